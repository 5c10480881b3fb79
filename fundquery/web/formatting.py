"""How public pages show values: exact yuan, quantities, and JSON-safe copies of page dicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import Flask


def yuan(value: Any) -> str:
    """1234.5 -> '1,234.50' (Decimal in, exact; never through float)."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)):,.2f}"


def qty(value: Any) -> str:
    """8.5000 -> '8.5'; 3.0000 -> '3'."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def wan(value: Any) -> str:
    """Yuan as 万元 with two decimals, the unit fiscal reports use."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)) / 10000:,.2f}"


def jsonable(value: Any) -> Any:
    """A copy safe for JSON: Decimal as its exact string, dates as ISO 8601."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def init_app(app: Flask) -> None:
    app.add_template_filter(yuan)
    app.add_template_filter(qty)
    app.add_template_filter(wan)
