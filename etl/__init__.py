"""Spreadsheet loading for fundquery: read, clean, validate, load. Never imports Flask."""
