"""Schema files, one per version."""
