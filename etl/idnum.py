"""Resident ID numbers (GB 11643): keyed hash, masked form, region check.

An ID number is never stored.  What is stored is an HMAC-SHA256 under a
deployment key that lives outside the database (the instance folder or the
``FUNDQUERY_ID_KEY`` environment variable), so a stolen database file cannot
be searched by ID number, plus the masked display form ``110105********1234``.
The check digit and birth date are checked in SQL (etl.clean) on every row;
python-stdnum is the reference for both (tests compare them) and answers the
one question SQL cannot: was the region code in use at the birth date.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

KEY_ENV = "FUNDQUERY_ID_KEY"
# The lookup key: the keyed hash's first 15 hex digits (60 bits) as a BIGINT.  DuckDB's ART index on it
# costs a third of one on the 64-character hash at load (etl/sql/025_lookup_key.sql); a lookup by key then
# keeps only the rows whose hash is the person's, since two people may share a key.
LOOKUP_KEY_HEX = 15
LOOKUP_KEY_SQL = f"CAST('0x' || left(id_hash, {LOOKUP_KEY_HEX}) AS BIGINT)"
KEY_FILE = "id_hash.key"


class MissingKey(RuntimeError):
    """No ID-hash key: hashes made now would never match the stored ones."""


def load_key(instance_dir: str | Path | None, *, create: bool = False) -> bytes:
    """The deployment's ID-hash key, from the environment or the instance folder."""
    if os.environ.get(KEY_ENV):
        return bytes.fromhex(os.environ[KEY_ENV])
    if instance_dir is None:
        raise MissingKey(
            f"没有身份证号哈希密钥：请设置 {KEY_ENV} 或指定实例目录。/ No ID-hash key: set {KEY_ENV}."
        )
    path = Path(instance_dir) / KEY_FILE
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    if not create:
        raise MissingKey(
            f"找不到身份证号哈希密钥 {path}：请运行 `fundquery init`，或从备份中恢复该密钥文件。"
            f" / ID-hash key {path} not found: run `fundquery init` or restore it from the backup."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return bytes.fromhex(key)


class Hasher:
    """HMAC-SHA256 of normalised ID numbers under one key."""

    def __init__(self, key: bytes):
        self._base = hmac.new(key, digestmod=hashlib.sha256)
        block = hashlib.sha256(key).digest() if len(key) > 64 else key
        block = block.ljust(64, b"\0")
        # RFC 2104's inner and outer padded keys: HMAC(m) = H(opad || H(ipad || m)), so that
        # etl.clean can hash every distinct number of an upload in DuckDB, in one statement.
        self.pads = (bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block))

    def __call__(self, id_number: str) -> str:
        h = self._base.copy()
        h.update(id_number.strip().upper().encode("ascii"))
        return h.hexdigest()


def lookup_key(id_hash: str) -> int:
    """``payments.id_key`` of a keyed hash (LOOKUP_KEY_SQL in Python); -1, which no row holds, for text that
    is no hash (a person page's address typed by hand)."""
    head = id_hash[:LOOKUP_KEY_HEX]
    if len(head) != LOOKUP_KEY_HEX or head.strip("0123456789abcdefABCDEF"):
        return -1
    return int(head, 16)


def mask(id_number: str | None) -> str | None:
    """``110105********1234``: region and last four only (GB/T 35273 practice)."""
    if not id_number:
        return id_number
    if len(id_number) <= 10:
        return id_number[:2] + "*" * (len(id_number) - 2)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def stdnum_problem(id_number: str) -> str | None:
    """The reference check: None if the check digit and birth date are right."""
    number = ric.compact(id_number)
    try:
        if len(number) != 18:
            return "length"
        if not number[:-1].isdigit():
            return "format"
        if number[-1] != ric.calc_check_digit(number):
            return "checksum"
        ric.get_birth_date(number)
    except ValidationError:
        return "birth_date"
    return None


@functools.lru_cache(maxsize=65536)
def region_known(region_code: str, birth_year: int) -> bool:
    """Was the 6-digit region code in use in the birth year (stdnum's numdb)?

    DESIGN.md §7: older people's real IDs carry codes retired before or
    created after their birth, and one code raised KeyError, so this only
    ever feeds a warning.  Cached: a county has few (code, year) pairs.
    """
    probe = f"{region_code}{birth_year:04d}0101000"
    try:
        ric.get_birth_place(probe + ric.calc_check_digit(probe + "0"))
        return True
    except (ValidationError, KeyError, ValueError, IndexError):
        return False
