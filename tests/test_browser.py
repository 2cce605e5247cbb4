"""In Debian's Chromium via Playwright: every page loads cleanly and privately; charts survive instant
navigation; the quick exit works by click, by Shift three times and after an instant navigation; without
JavaScript the charts, tables and exit link are still there."""
from __future__ import annotations

import re
from urllib.parse import urlparse

from tests.conftest import page_urls, require_chromium

require_chromium()

from playwright.sync_api import expect  # noqa: E402

EXIT_HOST = "www.bbc.co.uk"


def fake_exit_site(context):
    """Answer the exit destination locally, so tests never leave the machine; record what it was sent."""
    seen = []

    def answer(route):
        seen.append(route.request)
        route.fulfill(status=200, content_type="text/html", body="<title>Weather</title><p>Weather</p>")
    context.route(re.compile(rf"https://{re.escape(EXIT_HOST)}/.*"), answer)
    return seen


def charts_drawn(page) -> bool:
    """Every chart image on the page has loaded and has a size (scrolling to each, as they load lazily)."""
    images = page.locator("figure.chart img")
    if images.count() == 0:
        return False
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=images.nth(index).element_handle())
    return True


def test_every_page_loads_with_no_console_error_no_foreign_request_and_no_cookie(browser, served_site):
    context = browser.new_context()
    requests, errors = [], []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and errors.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    urls = page_urls(served_site)
    assert len(urls) >= 9
    for url in urls:
        page.goto(url, wait_until="networkidle")
        page.fill("input.md-search__input", "firewall") if url == urls[0] else None
    page.wait_for_timeout(300)
    foreign = [u for u in requests if urlparse(u).hostname != "127.0.0.1" and not u.startswith("data:")]
    assert not foreign, foreign
    assert not errors, errors
    assert context.cookies() == []
    context.close()


def test_charts_survive_instant_navigation(browser, served_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(served_site["url"], wait_until="networkidle")
    page.evaluate("window.__no_reload = true")
    for title, path in [("Findings", "findings/"), ("Recommendations and responses", "recommendations/"),
                        ("Timeline", "timeline/"), ("Findings", "findings/")]:
        page.locator(f'nav.md-nav--primary a.md-nav__link[href$="{path}"]').first.click()
        page.wait_for_url(f"**/{path}")
        page.wait_for_function("() => document.querySelectorAll('figure.chart img').length > 0")
        assert page.evaluate("window.__no_reload === true"), f"{title}: the page was reloaded, not navigated instantly"
        assert charts_drawn(page)
    context.close()


def test_quick_exit_by_click_leaves_no_way_back_and_sends_no_referrer(browser, served_site):
    context = browser.new_context()
    seen = fake_exit_site(context)
    page = context.new_page()
    page.goto(served_site["url"] + "findings/", wait_until="networkidle")
    page.locator("[data-exit-this-page] a").click()
    page.wait_for_url(f"https://{EXIT_HOST}/**")
    assert seen and "referer" not in seen[0].headers
    page.go_back()
    assert "127.0.0.1" not in page.url
    context.close()


def test_quick_exit_is_first_for_the_keyboard(browser, served_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(served_site["url"] + "findings/", wait_until="networkidle")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('[data-exit-this-page]') !== null")
    context.close()


def test_quick_exit_by_shift_three_times_after_instant_navigation(browser, served_site):
    context = browser.new_context()
    fake_exit_site(context)
    page = context.new_page()
    page.goto(served_site["url"], wait_until="networkidle")
    page.evaluate("window.__no_reload = true")
    page.locator('nav.md-nav--primary a.md-nav__link[href$="findings/"]').first.click()
    page.wait_for_url("**/findings/")
    assert page.evaluate("window.__no_reload === true")
    page.keyboard.press("Shift")
    expect(page.locator("[data-exit-this-page-status]")).to_have_text("Shift, press 2 more times to exit.")
    page.keyboard.press("Shift")
    expect(page.locator("[data-exit-this-page-status]")).to_have_text("Shift, press 1 more time to exit.")
    page.keyboard.press("Shift")
    page.wait_for_url(f"https://{EXIT_HOST}/**")
    context.close()


def test_without_javascript_charts_tables_and_exit_link_remain(browser, served_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served_site["url"] + "findings/", wait_until="networkidle")
    images = page.locator("figure.chart img")
    assert images.count() >= 2
    for index in range(images.count()):
        box = images.nth(index).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    assert page.locator("figure.chart table").count() == images.count()
    exit_link = page.locator("[data-exit-this-page] a")
    expect(exit_link).to_be_visible()
    assert urlparse(exit_link.get_attribute("href")).hostname == EXIT_HOST
    context.close()
