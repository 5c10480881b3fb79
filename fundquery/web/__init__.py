"""App plumbing: the factory, configuration, the database connection, language, security headers,
rate limits, value formatting, charts, downloads and the production server."""
