"""Helpers for tests of staff pages: make a user in the app's store, sign a client in.

from tests.web.accounts import add_user, sign_in
add_user(app, "li", "inspector")
sign_in(client, "li")
"""

from __future__ import annotations

import re

from fundquery.accounts import accounts
from fundquery.web.db import get_db

PASSWORD = "correct horse battery"


def add_user(app, username: str, *roles: str, office: str | None = None, password: str = PASSWORD):
    """Create ``username`` with ``roles`` in the app's database."""
    with app.app_context():
        return accounts.create(get_db(), username, password, roles, office=office, actor="test")


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html)
    return found.group(1) if found else ""  # "" when the app runs with CSRF off


def sign_in(client, username: str, password: str = PASSWORD, next_path: str | None = None):
    """POST the login form (with its CSRF token) and return the response."""
    token = csrf_token(client)
    url = "/login" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"username": username, "password": password, "csrf_token": token})
