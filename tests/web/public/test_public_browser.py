"""The kiosk and the public pages in Debian's chromium (Playwright) against the real gunicorn server."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.web.conftest import running_server
from tests.web.public.county import ID_KEY, MULTI_READING, RESIDENT

IDLE_SECONDS = 3
SIZES = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}
NOTICE = "/notices/2024/F001/城关镇/东风村"

pytestmark = pytest.mark.browser


@contextmanager
def _county_server(county_template, work: Path, **settings):
    """gunicorn on a copy of the published county, configured through the instance's config.py."""
    db_path = work / "county.duckdb"
    shutil.copyfile(county_template[0], db_path)
    instance = work / "instance"
    instance.mkdir()
    (instance / "id_hash.key").write_text(ID_KEY.hex() + "\n")
    settings = {
        "KIOSK_IDLE_SECONDS": IDLE_SECONDS,
        "FINANCE_OFFICE_PHONE": "0710-1234567",
        "LOOKUP_RATE_LIMIT": "100 per minute",
        "PUBLIC_BASE_URL": "https://czgk.example.gov.cn",  # the printed notice's QR code
        **settings,
    }
    (instance / "config.py").write_text("".join(f"{k} = {v!r}\n" for k, v in settings.items()))
    with running_server(db_path, instance) as server:
        yield server


@pytest.fixture(scope="module")
def county_server(county_template, tmp_path_factory):
    """The county with a short kiosk idle time."""
    with _county_server(county_template, tmp_path_factory.mktemp("county-live")) as server:
        yield server


def _page(browser, size: str):
    phone = size == "390"
    context = browser.new_context(
        locale="zh-CN",
        viewport=SIZES[size],
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, problems


def _fits(page) -> None:
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => !e.closest('.table-scroll')"
        " && e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], (
        wide
    )


@pytest.mark.parametrize("size", SIZES)
def test_kiosk_lookup_with_the_keypad_then_idle_reset(browser, county_server, artifacts, size):
    context, page, problems = _page(browser, size)
    page.goto(county_server.url + "/kiosk")
    assert page.locator("#id_number").get_attribute("autocomplete") == "off"
    page.screenshot(path=artifacts / f"kiosk-start-{size}.png", full_page=True)
    _fits(page)
    # touch targets of at least 48 px
    for box in (page.locator(".key").nth(i).bounding_box() for i in range(12)):
        assert box["height"] >= 48 and box["width"] >= 48
    page.locator("#id_number").click()
    for digit in RESIDENT["id"]:
        page.locator(f'.key[data-key="{digit}"]').click()
    assert page.locator("#id_number").input_value() == RESIDENT["id"]
    page.locator("#name").fill("张三")  # a physical keyboard works too
    page.get_by_role("button", name="查询").click()
    page.locator(".lookup-result").wait_for()
    text = page.locator(".lookup-result").inner_text()
    assert "420102********" + RESIDENT["id"][-4:] in text
    assert "李*静" in text and "892.51" in text and "2,385.01" in text
    assert RESIDENT["id"] not in page.content()
    page.screenshot(path=artifacts / f"kiosk-result-{size}.png", full_page=True)
    _fits(page)
    # nobody touches the screen: it clears and returns to the start
    page.locator(".lookup-result").wait_for(state="detached", timeout=(IDLE_SECONDS + 5) * 1000)
    page.locator("#id_number").wait_for()
    assert (
        page.locator("#id_number").input_value() == "" and page.locator("#name").input_value() == ""
    )
    assert "张三" not in page.content() and "李*静" not in page.content()
    context.close()
    assert problems == []


def test_kiosk_print_hides_the_controls(browser, county_server, artifacts):
    context, page, problems = _page(browser, "1280")
    page.goto(county_server.url + "/kiosk")
    page.locator("#id_number").fill(RESIDENT["id"])
    page.locator("#name").fill("张三")
    page.locator("#name").press("Enter")
    page.locator(".lookup-result").wait_for()
    page.emulate_media(media="print")
    assert (
        not page.locator("[data-print]").is_visible()
        and not page.locator(".kiosk-header").is_visible()
    )
    page.screenshot(path=artifacts / "kiosk-result-print.png", full_page=True)
    context.close()
    assert problems == []


@pytest.mark.parametrize("size", SIZES)
def test_village_notice_and_its_print_layout(browser, county_server, artifacts, size):
    context, page, problems = _page(browser, size)
    page.goto(county_server.url + NOTICE)
    assert "张*" in page.locator("table.notice-table").inner_text()
    page.screenshot(path=artifacts / f"notice-{size}.png", full_page=True)
    _fits(page)
    page.goto(county_server.url + NOTICE + "/print")
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / f"notice-print-{size}.png", full_page=True)
    assert page.locator(".qr svg").is_visible()
    context.close()
    assert problems == []


@pytest.mark.parametrize("size", SIZES)
def test_fund_page_draws_its_charts(browser, county_server, artifacts, size):
    context, page, problems = _page(browser, size)
    page.goto(county_server.url + "/funds/2024/F001")
    page.locator("#chart-villages .main-svg").first.wait_for()
    page.locator("#chart-months .main-svg").first.wait_for()
    page.screenshot(path=artifacts / f"fund-{size}.png", full_page=True)
    _fits(page)
    page.goto(county_server.url + "/staffing")
    page.locator("#chart-main .main-svg").first.wait_for()
    page.screenshot(path=artifacts / f"staffing-{size}.png", full_page=True)
    page.goto(county_server.url + "/funds")
    page.screenshot(path=artifacts / f"funds-{size}.png", full_page=True)
    _fits(page)
    context.close()
    assert problems == [], "console errors (a CSP violation shows up here)"


def test_kiosk_takes_pinyin_initials_from_its_letter_keys(browser, county_template, tmp_path):
    """With LOOKUP_PINYIN_INITIALS on, the name field gets letter keys; 单 may be typed D, S or C."""
    with _county_server(
        county_template, tmp_path, LOOKUP_PINYIN_INITIALS=True, KIOSK_IDLE_SECONDS=60
    ) as server:
        context, page, problems = _page(browser, "1280")
        page.goto(server.url + "/kiosk")
        page.locator("#id_number").press_sequentially(MULTI_READING["id"])  # a physical keyboard
        assert page.locator('[data-keys="letters"]').is_hidden()
        page.locator("#name").click()
        assert (
            page.locator('[data-keys="letters"]').is_visible()
            and page.locator('[data-keys="digits"]').is_hidden()
        )
        for letter in "STF":
            page.locator(f'[data-keys="letters"] .key[data-key="{letter}"]').click()
        assert page.locator("#name").input_value() == "STF"
        page.get_by_role("button", name="查询").click()
        page.locator(".lookup-result").wait_for()
        assert "单田芳" in page.locator(".lookup-result").inner_text()
        context.close()
    assert problems == []
