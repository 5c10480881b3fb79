"""The catalogue's checks, one module per group; each module declares its ``CHECKS``."""
