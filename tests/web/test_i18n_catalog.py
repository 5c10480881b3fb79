"""The English catalog covers every Chinese msgid in the code, and its .mo is current."""

from __future__ import annotations

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from fundquery import REPO_ROOT

CATALOG = REPO_ROOT / "fundquery" / "translations" / "en" / "LC_MESSAGES"


def _source_msgids() -> set[str]:
    with open(REPO_ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = extract_from_dir(REPO_ROOT, method_map, options_map, keywords=keywords)
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def test_every_msgid_has_an_english_translation():
    with open(CATALOG / "messages.mo", "rb") as mo:
        catalog = read_mo(mo)
    missing = sorted(m for m in _source_msgids() if not (catalog.get(m) and catalog.get(m).string))
    assert not missing, "run pybabel extract/update, translate, then pybabel compile"


def test_compiled_catalog_matches_po():
    with open(CATALOG / "messages.po", "rb") as po, open(CATALOG / "messages.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    assert {m.id: m.string for m in source if m.id} == {m.id: m.string for m in compiled if m.id}
