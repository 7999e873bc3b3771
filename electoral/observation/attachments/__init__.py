"""Photos filed with a checklist (XLSForm ``image`` questions), from the phone page, the API and OpenRosa."""
