"""Accessibility and weight, in Debian's Chromium via Playwright, on every page in the sitemap (the notebook
included): axe-core (offline, the copy shipped in axe-playwright-python) finds no violation; no page
scrolls sideways at 320 px; a skip link and a visible focus; reduced motion respected; charts described
and their tables captioned; first load of each page at most 150 KB gzipped (search index excluded)."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import page_urls, require_chromium

require_chromium()

axe_playwright_python = pytest.importorskip("axe_playwright_python")

AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MAX_PAGE_BYTES = 150 * 1024
NARROW = {"width": 320, "height": 800}
# Not part of a page's first load: the search index, the only thing the search worker fetches (English needs no
# lunr language files). The worker's own script is fetched by the page, so it counts (12 KB gzipped).
SEARCH_ONLY = re.compile(r"/search/search_index\.json$")




def short(url: str, site) -> str:
    return url.removeprefix(site["url"]) or "/"


def scroll_to_bottom(page):
    """Scroll down a screen at a time, so every lazily loaded image is requested."""
    page.evaluate("""async () => {
        for (let y = 0; y <= document.documentElement.scrollHeight; y += window.innerHeight / 2) {
            window.scrollTo(0, y);
            await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 30)));
        }
    }""")
    page.wait_for_load_state("networkidle")


def open_all_details(page):
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def run_axe(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)


def describe(violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {targets}")
    return lines


# ----------------------------------------------------------------------------------------------- axe

def test_axe_finds_no_violation_on_any_page(browser, served_site, record_property):
    context = browser.new_context()
    page = context.new_page()
    problems, counts = {}, {}
    for url in page_urls(served_site):
        page.goto(url, wait_until="load")
        for state in ("as loaded", "every <details> open"):
            if state != "as loaded":
                open_all_details(page)
            violations = run_axe(page)
            for v in violations:
                counts[v["id"]] = counts.get(v["id"], 0) + len(v["nodes"])
            if violations:
                problems[f"{short(url, served_site)} ({state})"] = describe(violations)
    record_property("axe_violation_nodes_by_rule", json.dumps(counts))
    context.close()
    assert not problems, "axe violations:\n" + "\n".join(
        f"  {page_name}:\n" + "\n".join(f"    {line}" for line in lines) for page_name, lines in problems.items())


def test_axe_finds_no_violation_at_320_px(browser, served_site):
    """At 320 px (WCAG 1.4.10 reflow) wide tables and code scroll: each scrolling box must take keyboard focus."""
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    problems = {}
    for url in page_urls(served_site):
        page.goto(url, wait_until="load")
        open_all_details(page)
        violations = run_axe(page)
        if violations:
            problems[short(url, served_site)] = describe(violations)
    context.close()
    assert not problems, "axe violations at 320 px:\n" + "\n".join(
        f"  {page_name}:\n" + "\n".join(f"    {line}" for line in lines) for page_name, lines in problems.items())


def test_axe_finds_no_violation_with_the_search_dialog_open(browser, served_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(served_site["url"] + "findings/", wait_until="networkidle")
    search = page.locator("input.md-search__input")
    search.click()
    page.wait_for_function("() => !/initiali[sz]ing/i.test(document.querySelector('.md-search-result__meta').textContent)")
    search.press_sequentially("firewall")
    page.wait_for_selector(".md-search-result__item")
    assert page.evaluate("document.getElementById('__search').checked"), "the search dialog did not open"
    violations = run_axe(page)
    context.close()
    assert not violations, "axe violations with search open:\n" + "\n".join(describe(violations))


def test_axe_finds_no_violation_in_the_outdated_version_banner(browser, served_site):
    """Material shows this banner on versions older than "latest" (mike); here it is shown by hand."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(served_site["url"] + "findings/", wait_until="networkidle")
    banner = page.locator("[data-md-component=outdated]")
    if banner.count() == 0:
        context.close()
        pytest.skip("this build has no version banner (no extra.version)")
    banner.evaluate("el => { el.hidden = false; }")
    assert banner.locator("a").first.is_visible()
    violations = run_axe(page)
    context.close()
    assert not violations, "axe violations in the version banner:\n" + "\n".join(describe(violations))


# ------------------------------------------------------------------------------------------- 320 px

WIDE_ELEMENTS = """() => {
    const limit = document.documentElement.clientWidth;
    const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
    return [...document.querySelectorAll('body *')]
        .filter(el => { const r = el.getBoundingClientRect(); return r.width && r.right > limit + 1 && !scrolls(el); })
        .slice(0, 5)
        .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string'
              ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ` (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


def test_no_page_scrolls_sideways_at_320_px(browser, served_site, record_property):
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    widths, wide = {}, {}
    for url in page_urls(served_site):
        page.goto(url, wait_until="networkidle")
        open_all_details(page)   # data tables too: they must scroll inside their own container
        scroll_to_bottom(page)
        name = short(url, served_site)
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
        if widths[name] > NARROW["width"]:
            wide[name] = (widths[name], page.evaluate(WIDE_ELEMENTS))
    record_property("scroll_width_at_320", json.dumps(widths))
    context.close()
    assert not wide, f"pages wider than {NARROW['width']} px (scrollWidth, first offending elements): {wide}"


# ---------------------------------------------------------------------------------------- page weight

def first_load_bytes(browser, url: str) -> dict[str, tuple[int, int]]:
    """Every response of a page's first view in a fresh context with the cache off, scrolled to the bottom:
    URL -> (bytes, gzipped bytes at level 6; the test server does not compress). On the way, checks that no
    request leaves 127.0.0.1 and no cookie is set. The search worker's script counts; the index it fetches does not."""
    context = browser.new_context(service_workers="block")
    responses, requests = [], []
    context.on("response", lambda response: responses.append(response))
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(url, wait_until="networkidle")
    scroll_to_bottom(page)
    page.wait_for_timeout(200)
    sizes = {}
    for response in responses:
        request_url = response.url
        if not request_url.startswith("http") or SEARCH_ONLY.search(urlparse(request_url).path):
            continue
        try:
            body = response.body()
        except Exception:   # a redirect or an aborted request has no body
            continue
        sizes[request_url] = (len(body), len(gzip.compress(body, compresslevel=6)))
    foreign = [u for u in requests if urlparse(u).hostname != "127.0.0.1" and not u.startswith(("data:", "blob:"))]
    assert not foreign, f"{url}: requests that leave 127.0.0.1: {foreign}"
    assert context.cookies() == [], f"{url}: cookies set: {context.cookies()}"
    context.close()
    return sizes


def test_first_load_of_every_page_is_at_most_150_kb_gzipped(browser, served_site, record_property):
    weights, heavy = {}, {}
    for url in page_urls(served_site):
        sizes = first_load_bytes(browser, url)
        name = short(url, served_site)
        total = sum(gz for _, gz in sizes.values())
        weights[name] = round(total / 1024, 1)
        if total > MAX_PAGE_BYTES:
            biggest = sorted(sizes.items(), key=lambda item: -item[1][1])[:5]
            heavy[name] = [f"{short(u, served_site)}: {gz / 1024:.1f} KB" for u, (_, gz) in biggest]
    record_property("page_weight_kb_gzipped", json.dumps(weights))
    table = "\n".join(f"  {name:<28} {kb:6.1f} KB" for name, kb in weights.items())
    assert not heavy, f"pages over {MAX_PAGE_BYTES // 1024} KB gzipped:\n{table}\nlargest responses: {heavy}"


# ----------------------------------------------------------------------------- keyboard and motion

SKIP_LINK_SHOWN = """el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.right <= innerWidth && r.bottom <= innerHeight
        && s.visibility !== 'hidden' && parseFloat(s.opacity) >= 0.99 && (top === el || el.contains(top));
}"""

FOCUS_SHOWN = """() => {
    const el = document.activeElement, s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    return {element: el.outerHTML.slice(0, 120), outline, shadow: s.boxShadow !== 'none'};
}"""


def test_skip_link_follows_the_quick_bar_for_the_keyboard_and_is_visible_when_focused(browser, served_site):
    context = browser.new_context()
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")   # the skip link's fade-in, if any, is then instant
    page.goto(served_site["url"] + "findings/", wait_until="networkidle")
    assert page.locator(".md-sidebar--secondary .md-nav__link").count() > 0, "findings/ should have a table of contents"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('[data-exit-this-page]') !== null")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.quick-help') !== null")
    page.keyboard.press("Tab")
    skip = page.evaluate_handle("document.activeElement")
    assert page.evaluate("el => el.classList.contains('md-skip')", skip), page.evaluate("el => el.outerHTML", skip)
    page.wait_for_timeout(400)
    assert page.evaluate(SKIP_LINK_SHOWN, skip), "the focused skip link is not fully visible"
    focus = page.evaluate(FOCUS_SHOWN)
    assert focus["outline"] or focus["shadow"], focus
    context.close()


def test_every_element_reached_by_tab_shows_its_focus(browser, served_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(served_site["url"] + "findings/", wait_until="networkidle")
    unseen, seen = [], set()
    for _ in range(60):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_SHOWN)
        if focus["element"] in seen:
            continue
        seen.add(focus["element"])
        if not (focus["outline"] or focus["shadow"]):
            unseen.append(focus["element"])
    context.close()
    assert len(seen) > 20
    assert not unseen, f"focused without a visible outline or shadow: {unseen}"


def test_reduced_motion_turns_transitions_off(browser, served_site):
    context = browser.new_context()
    page = context.new_page()
    page.emulate_media(reduced_motion="reduce")
    page.goto(served_site["url"] + "findings/", wait_until="networkidle")
    durations = page.evaluate("""() => [...document.querySelectorAll('.md-nav__link, .md-header, .md-skip, .md-top')]
        .map(el => getComputedStyle(el).transitionDuration)""")
    assert durations and all(set(d.replace(" ", "").split(",")) == {"0s"} for d in durations), durations
    page.emulate_media(reduced_motion="no-preference")
    moving = page.evaluate("getComputedStyle(document.querySelector('.md-nav__link')).transitionDuration")
    assert moving != "0s", "nav links never animate, so this test proves nothing"
    context.close()


# -------------------------------------------------------------------------------------------- charts

def test_charts_have_a_role_title_and_description_and_their_tables_captions_and_headers(browser, served_site):
    context = browser.new_context()
    page = context.new_page()
    charts = 0
    problems = []
    for url in page_urls(served_site):
        page.goto(url, wait_until="domcontentloaded")
        for figure in page.locator("figure.chart").all():
            charts += 1
            name = figure.get_attribute("id")
            image = figure.locator("img")
            if not (image.get_attribute("alt") or "").strip():
                problems.append(f"{name}: image without alt")
            described = image.get_attribute("aria-describedby")
            if not described or page.locator(f"#{described}").count() != 1:
                problems.append(f"{name}: aria-describedby does not point at one description")
            svg = (Path(served_site["dir"]) / urlparse(image.evaluate("img => img.src")).path.lstrip("/")).read_text()
            if not ('role="img"' in svg and "<title" in svg and "<desc" in svg):
                problems.append(f"{name}: the SVG lacks role, title or description")
            tables = figure.locator("table")
            if tables.count() == 0:
                problems.append(f"{name}: no data table")
            for table in tables.all():
                caption = table.locator("caption")
                if caption.count() != 1 or not (caption.text_content() or "").strip():
                    problems.append(f"{name}: table without caption")
                if table.locator("th").count() == 0:
                    problems.append(f"{name}: table without header cells")
        for image in page.locator('.jp-Notebook img').all():
            if (image.get_attribute("alt") or "").startswith("No description has been provided"):
                problems.append(f"{short(url, served_site)}: notebook image with nbconvert's placeholder alt text")
        for svg in page.locator('.jp-Notebook svg:not([aria-hidden="true"])').all():
            if svg.get_attribute("role") != "img" or svg.locator("title").count() == 0 or svg.locator("desc").count() == 0:
                problems.append(f"{short(url, served_site)}: notebook SVG without role, title or description")
    context.close()
    assert charts >= 2
    assert not problems, problems
