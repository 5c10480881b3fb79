"""The web upload: files staged on disk while the user decides, then previewed and loaded through etl."""
