"""Staff accounts (users, roles, passwords), signing in, and the table of who may use each route."""
