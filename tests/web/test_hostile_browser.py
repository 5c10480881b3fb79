# ruff: noqa: F811  (pytest fixtures imported from tests.web.test_browser_staff are parameters here)
"""Hostile uploads in Debian's chromium against the real server: what finance staff see (issue 8)."""

from __future__ import annotations

import re

import pytest

from tests.hostile_files import zip_bomb
from tests.web.test_browser_staff import _sign_in, _upload, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_a_zip_bomb_and_a_web_page_get_a_sentence_not_an_error_page(
    browser, server, artifacts, tmp_path
):
    bomb = zip_bomb(tmp_path / "清册.xlsx", inflated_bytes=2 << 30)
    html = tmp_path / "清册.xls"  # what some systems' "export to Excel" really produce
    html.write_text(
        "<html><body><table><tr><td>姓名</td><td>身份证号</td></tr></table></body></html>"
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and "422" not in m.text else None,
    )
    _sign_in(page, server.url, "wang")
    for path, zh, en, shot in (
        (bomb, "超过了 1,024 MB 的上限", "over the 1,024 MB limit", "hostile-bomb"),
        (html, "其实是网页（HTML）", "is really a web page", "hostile-html"),
    ):
        _upload(page, server.url, path)
        text = page.locator("main").inner_text()
        assert zh in text and en in text and "Traceback" not in text, text
        assert f"文件 {path.name} " in text and not re.search(
            r"[0-9a-f]{64}", text
        )  # the user's name, not the digest
        page.screenshot(path=artifacts / f"{shot}.png", full_page=True)
        page.goto(page.url + "&lang=en")
        assert en in page.locator("main").inner_text()
        page.screenshot(path=artifacts / f"{shot}-en.png", full_page=True)
        page.goto(page.url.replace("&lang=en", "&lang=zh"))
    context.close()
    assert problems == []
