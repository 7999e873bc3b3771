"""Geography: region > district > polling centre > polling station."""
