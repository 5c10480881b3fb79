"""SQL lives here, one module per subject; views call these and get dicts."""
