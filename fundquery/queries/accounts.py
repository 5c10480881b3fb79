"""Staff accounts' SQL: users and their roles, sign-in attempts, and the server's record of sign-ins.

The rules (who may have which role, what a password needs, when a name is
locked) are fundquery.accounts'; these only read and write the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb

# user_id, username, office, is_active, session_version, password_hash, roles (sorted list)
_SELECT = (
    "SELECT u.user_id, u.username, u.office, u.is_active, u.session_version, u.password_hash,"
    " coalesce(list(r.role ORDER BY r.role) FILTER (WHERE r.role IS NOT NULL), []) AS roles"
    " FROM users u LEFT JOIN user_roles r USING (user_id)"
)


def user_by_name(con: duckdb.DuckDBPyConnection, username: str) -> tuple | None:
    return con.execute(_SELECT + " WHERE u.username = ? GROUP BY ALL", [username]).fetchone()


def user_by_id(con: duckdb.DuckDBPyConnection, user_id: int) -> tuple | None:
    return con.execute(_SELECT + " WHERE u.user_id = ? GROUP BY ALL", [user_id]).fetchone()


def every_user(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(_SELECT + " GROUP BY ALL ORDER BY u.username").fetchall()


def insert_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password_hash: str,
    office: str | None,
    roles: Iterable[str],
) -> int:
    """A new user with its roles; the caller holds the transaction."""
    user_id = con.execute(
        "INSERT INTO users (username, password_hash, office) VALUES (?, ?, ?) RETURNING user_id",
        [username, password_hash, office or None],
    ).fetchone()[0]
    con.executemany(
        "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", [[user_id, r] for r in roles]
    )
    return user_id


def update_password(con: duckdb.DuckDBPyConnection, user_id: int, password_hash: str) -> None:
    """A new password, which ends every session of the user."""
    con.execute(
        "UPDATE users SET password_hash = ?, session_version = session_version + 1,"
        " changed_at = current_timestamp WHERE user_id = ?",
        [password_hash, user_id],
    )


def update_active(con: duckdb.DuckDBPyConnection, user_id: int, is_active: bool) -> None:
    """Disable or enable a user, ending every session."""
    con.execute(
        "UPDATE users SET is_active = ?, session_version = session_version + 1,"
        " changed_at = current_timestamp WHERE user_id = ?",
        [is_active, user_id],
    )


def replace_roles(
    con: duckdb.DuckDBPyConnection, user_id: int, roles: Iterable[str], office: str | None
) -> None:
    """New roles and office, ending every session; the caller holds the transaction."""
    con.execute("DELETE FROM user_roles WHERE user_id = ?", [user_id])
    con.executemany(
        "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", [[user_id, r] for r in roles]
    )
    con.execute(
        "UPDATE users SET office = ?, session_version = session_version + 1, changed_at = current_timestamp"
        " WHERE user_id = ?",
        [office or None, user_id],
    )


def failures_since_success(
    con: duckdb.DuckDBPyConnection, username: str, remote_addr: str | None, window: dt.timedelta
) -> int:
    """Failed attempts for ``username`` from ``remote_addr`` in the last ``window``.

    Counted after the last success of the same name from the same address and
    after the last time an administrator cleared the name's failures.
    """
    return con.execute(
        "SELECT count(*) FROM login_attempts WHERE username = $name"
        " AND remote_addr IS NOT DISTINCT FROM $addr AND NOT is_success"
        " AND attempted_at > now()::TIMESTAMP - $window"
        " AND attempted_at > greatest("
        "   coalesce((SELECT max(attempted_at) FROM login_attempts WHERE username = $name"
        "     AND remote_addr IS NOT DISTINCT FROM $addr AND is_success), TIMESTAMP '1970-01-01'),"
        "   coalesce((SELECT max(unlocked_at) FROM login_unlocks WHERE username = $name),"
        "     TIMESTAMP '1970-01-01'))",
        {"name": username, "addr": remote_addr, "window": window},
    ).fetchone()[0]


def refused_addresses(
    con: duckdb.DuckDBPyConnection, max_failures: int, window: dt.timedelta
) -> dict[str, int]:
    """User name -> how many client addresses are refused for it now (for the admin's list)."""
    rows = con.execute(
        "WITH since AS ("
        "  SELECT a.username, a.remote_addr, greatest("
        "    coalesce(max(a.attempted_at) FILTER (WHERE a.is_success), TIMESTAMP '1970-01-01'),"
        "    coalesce(any_value(u.unlocked_at), TIMESTAMP '1970-01-01')) AS after"
        "  FROM login_attempts a LEFT JOIN"
        "    (SELECT username, max(unlocked_at) AS unlocked_at FROM login_unlocks GROUP BY ALL) u"
        "    USING (username)"
        "  WHERE a.attempted_at > now()::TIMESTAMP - ? GROUP BY ALL)"
        " SELECT a.username, count(*) FILTER (WHERE n >= ?) FROM ("
        "   SELECT a.username, a.remote_addr, count(*) AS n FROM login_attempts a JOIN since s"
        "     ON a.username = s.username AND a.remote_addr IS NOT DISTINCT FROM s.remote_addr"
        "   WHERE NOT a.is_success AND a.attempted_at > s.after"
        "     AND a.attempted_at > now()::TIMESTAMP - ? GROUP BY ALL) a"
        " GROUP BY ALL",
        [window, max_failures, window],
    ).fetchall()
    return {name: n for name, n in rows if n}


def insert_unlock(con: duckdb.DuckDBPyConnection, username: str, actor: str) -> None:
    """Clear ``username``'s failures from every address (the attempts themselves stay)."""
    con.execute(
        "INSERT INTO login_unlocks (username, unlocked_by) VALUES (?, ?)", [username, actor]
    )


def record_attempt(
    con: duckdb.DuckDBPyConnection, username: str, remote_addr: str | None, is_success: bool
) -> None:
    con.execute(
        "INSERT INTO login_attempts (username, remote_addr, is_success) VALUES (?, ?, ?)",
        [username, remote_addr, is_success],
    )


def session_is_open(
    con: duckdb.DuckDBPyConnection,
    session_id: str,
    user_id: int,
    idle: dt.timedelta | None = None,
    touch_after: dt.timedelta = dt.timedelta(minutes=1),
) -> bool:
    """Whether this sign-in of this user has not ended (log-out, a new password or role, idleness).

    A sign-in without a request for longer than ``idle`` ends here ('idle');
    an open one records the request (at most once per ``touch_after``, to spare writes).
    """
    if idle is not None:
        _write_once(
            con,
            "UPDATE staff_sessions SET ended_at = now()::TIMESTAMP, ended_how = 'idle'"
            " WHERE session_id = ? AND ended_at IS NULL"
            " AND coalesce(last_seen_at, started_at) <= now()::TIMESTAMP - ?",
            [session_id, idle],
        )
    row = con.execute(
        "SELECT ended_at IS NULL, coalesce(last_seen_at, started_at) <= now()::TIMESTAMP - ?"
        " FROM staff_sessions WHERE session_id = ? AND user_id = ?",
        [touch_after, session_id, user_id],
    ).fetchone()
    is_open = bool(row and row[0])
    if is_open and row[1]:
        _write_once(
            con,
            "UPDATE staff_sessions SET last_seen_at = now()::TIMESTAMP WHERE session_id = ?",
            [session_id],
        )
    return is_open


def _write_once(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> None:
    """An update that a parallel request of the same sign-in may already be making.

    Two requests of one browser (a page and its chart data) can both find the
    session due: DuckDB lets one update the row and refuses the other with a
    conflict, which means the work is being done.
    """
    try:
        con.execute(sql, params)
    except duckdb.TransactionException:
        pass


def open_session(con: duckdb.DuckDBPyConnection, session_id: str, user_id: int) -> None:
    con.execute(
        "INSERT INTO staff_sessions (session_id, user_id) VALUES (?, ?)", [session_id, user_id]
    )


def end_session(con: duckdb.DuckDBPyConnection, session_id: str) -> None:
    """Log-out: this sign-in ends on the server."""
    con.execute(
        "UPDATE staff_sessions SET ended_at = current_timestamp, ended_how = 'logout'"
        " WHERE session_id = ? AND ended_at IS NULL",
        [session_id],
    )
