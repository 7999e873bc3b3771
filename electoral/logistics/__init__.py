"""Polling station logistics: kit quantities, warehouses, consignments, chain of custody, staffing."""
