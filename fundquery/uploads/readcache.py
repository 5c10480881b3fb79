"""The preview's read of a staged file, kept so that the load which follows does not read the file again.

A clerk previews a file, then loads it: both read it through etl.read, and for a
large workbook the read is most of the wait (a 1 M-row xlsx: about 5 of the
load's 9 seconds).  The preview's ``Extract`` is kept beside the staged file:

- ``<sha256>.read.arrow``: its table, as an Arrow IPC file, read back memory-mapped (no copy);
- ``<sha256>.read.meta``: the rest of it, pickled, with the keys (kind asked, the clerk's mapping and
  values: ``fundquery.uploads.uploads._key``) it was read with and the table file's size, signed
  with HMAC-SHA256 under the app's secret key.

The load uses it only when every one of these holds, else it reads the file as before:

- the signature is right, so the pickle is one this app wrote (nothing else is unpickled);
- it was written by this very process (a token made at start: a restarted, perhaps upgraded, server
  reads the file again);
- it was read with the key the load asks for;
- the table file has the size written;
- the file the load archives has the digest it was kept under (``etl.load.EarlierRead``).

One read is kept per file (a preview with another choice replaces it), and it goes with the
previews: after a load, when the clerk changes the mapping, and with the staged file after
STAGING_DAYS.  A read that cannot be written (a full disk) is simply not kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import pickle
import secrets
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc
from flask import current_app

from etl.extract import Extract
from fundquery.uploads import staging

_PROCESS = secrets.token_hex(16)  # this server process: a kept read outlives it on disk, not in use
_SIGNATURE_BYTES = hashlib.sha256().digest_size


def _paths(sha256: str) -> tuple[Path, Path]:
    folder = staging.staging_dir()
    return folder / f"{sha256}.read.arrow", folder / f"{sha256}.read.meta"


def _signing_key() -> bytes | None:
    secret = current_app.secret_key
    if not secret:
        return None
    text = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(text, b"fundquery kept read", hashlib.sha256).digest()


def keep(sha256: str, keys: list[str], extract: Extract) -> bool:
    """Keep ``extract`` (a read of the staged file ``sha256`` with each of ``keys``); False if it was not kept."""
    signing = _signing_key()
    forget(sha256)
    if signing is None:
        return False
    table_path, meta_path = _paths(sha256)
    part = None
    try:
        part = staging.part_file(table_path)
        with pa.OSFile(str(part), "wb") as sink, ipc.new_file(sink, extract.table.schema) as out:
            out.write_table(extract.table)
        os.replace(part, table_path)
        payload = pickle.dumps(
            {
                "process": _PROCESS,
                "keys": sorted(set(keys)),
                "table_bytes": table_path.stat().st_size,
                "extract": dataclasses.replace(extract, table=None),
            },
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        signature = hmac.new(signing, payload, hashlib.sha256).digest()
        staging.write_bytes(meta_path, signature + payload)
    except OSError as exc:  # a full disk: the load reads the file again
        if part is not None:
            part.unlink(missing_ok=True)
        forget(sha256)
        current_app.logger.warning("read of %s not kept: %s", sha256[:12], exc.strerror)
        return False
    return True


def kept(sha256: str, key: str) -> Extract | None:
    """The read kept for ``sha256`` with ``key`` by this process, its table memory-mapped; else None."""
    signing = _signing_key()
    table_path, meta_path = _paths(sha256)
    if signing is None or not meta_path.exists():
        return None
    try:
        data = meta_path.read_bytes()
        signature, payload = data[:_SIGNATURE_BYTES], data[_SIGNATURE_BYTES:]
        if not hmac.compare_digest(signature, hmac.new(signing, payload, hashlib.sha256).digest()):
            current_app.logger.warning("kept read of %s has a wrong signature", sha256[:12])
            return None
        meta = pickle.loads(payload)  # noqa: S301 (signed above with the app's secret key)
        if meta["process"] != _PROCESS or key not in meta["keys"]:
            return None
        if table_path.stat().st_size != meta["table_bytes"]:
            return None
        table = ipc.open_file(pa.memory_map(str(table_path))).read_all()
    except (OSError, pa.ArrowInvalid, pickle.UnpicklingError, AttributeError, KeyError):
        return None  # gone, cut short, or written by another version: read the file
    return dataclasses.replace(meta["extract"], table=table)


def forget(sha256: str) -> None:
    for path in _paths(sha256):
        path.unlink(missing_ok=True)
