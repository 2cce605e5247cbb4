"""The brief as a new reader meets it, in Debian's Chromium: the front page states the finding with its
publisher and dates; record IDs stay out of the brief's running text; quotes are dark; helpline numbers
can be tapped; the quick bar covers no control at any width; nothing dead shows without JavaScript;
print keeps every table column; a tapped number lands on its Methods entry in full view."""
from __future__ import annotations

import io
import re

import pytest
import yaml

from scripts.load import load
from scripts.project import ROOT
from scripts.stats import compute_statistics
from tests.conftest import require_chromium

require_chromium()

BRIEF_PAGES = ["", "findings/", "voices/", "recommendations/", "timeline/"]
RECORD_ID = re.compile(r"\b[FSQTRVPH]-\d{2,4}(?:-[A-Z])?\b")
WIDTHS = [320, 375, 768, 1220, 1280, 1440]


@pytest.fixture(scope="module")
def stats():
    return compute_statistics(load(ROOT / "data"))


@pytest.fixture(scope="module")
def extra():
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[1])
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)["extra"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    yield context.new_page()
    context.close()


def test_the_front_page_states_the_finding_its_publisher_and_dates(served_site, phone, stats, extra):
    phone.goto(served_site["url"])
    title = phone.locator("h1").inner_text()
    assert stats["referrals_total"].display in title and stats["referrals_period"].display in title
    line = phone.locator("p.publication").inner_text()
    assert f"Published by {extra['publisher']}" in line
    assert "Published " in line and f"Evidence up to {stats['evidence_up_to'].display}" in line
    assert "Version " in line and "Report an error" in line
    # The title and the publication line are on the first screen of a phone.
    assert phone.locator("p.publication").bounding_box()["y"] + 20 < 740
    # Key numbers: each value computed from the data, each tile a link to its detail.
    for name in ["referrals_total", "forces_sharing", "forces_listed", "enforcement_actions",
                 "enforcement_papers_2020_percent", "lords_2024_for", "lords_2024_against"]:
        assert phone.locator(f".tiles [data-stat={name}]").inner_text() == stats[name].display
    assert phone.locator(".tiles a.tile").count() == 4


def test_every_page_names_its_publisher_and_date(served_site, browser, extra):
    page = browser.new_page()
    for path in BRIEF_PAGES[1:] + ["methods/", "help/"]:
        page.goto(served_site["url"] + path)
        line = page.locator("p.publication").inner_text()
        assert extra["publisher"] in line and re.search(r"(Published|Updated) \d{1,2} \w+ \d{4}", line), path
    page.close()


def test_no_record_id_in_the_running_text_of_the_brief(served_site, browser):
    page = browser.new_page()
    for path in BRIEF_PAGES:
        page.goto(served_site["url"] + path)
        texts = page.evaluate("""() => [...document.querySelectorAll('.md-content p, .md-content li, .md-content td, .md-content h3')]
            .filter(e => !e.closest('.page-notes, .cite-claim, .cite-page, details'))
            .map(e => e.innerText)""")
        found = sorted({match for text in texts for match in RECORD_ID.findall(text)})
        assert not found, f"{path}: {found}"
        assert page.locator("sup.ref a").count() == 0 or page.locator(".page-notes li").count() > 0
    page.close()


def test_source_markers_link_to_the_record_and_are_listed_at_the_end(served_site, browser):
    page = browser.new_page()
    page.goto(served_site["url"] + "findings/")
    first = page.locator("sup.ref a").first
    assert re.search(r"/figures/#F-\d+|/sources/#S-\d+", first.get_attribute("href"))
    assert first.inner_text().strip().endswith("1")
    notes = page.locator(".page-notes li")
    assert notes.count() == len(set(page.evaluate("() => [...document.querySelectorAll('sup.ref a')].map(a => a.getAttribute('href'))")))
    page.close()


def contrast(rgb_text: str, rgb_background: str) -> float:
    def luminance(rgb: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted([luminance(rgb_text), luminance(rgb_background)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_quotes_are_dark_enough_to_read(served_site, phone):
    phone.goto(served_site["url"] + "voices/")
    colours = phone.evaluate("""() => [...document.querySelectorAll('figure.quote blockquote p')].map(p => {
        let el = p, bg = 'rgba(0, 0, 0, 0)';
        while (el && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) { bg = getComputedStyle(el).backgroundColor; el = el.parentElement; }
        return [getComputedStyle(p).color, bg === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : bg];
    })""")
    assert len(colours) >= 30
    assert min(contrast(text, background) for text, background in colours) >= 7


def test_voices_leads_with_key_quotes(served_site, phone):
    phone.goto(served_site["url"] + "voices/")
    first_heading = phone.locator(".md-content h2").first.inner_text()
    assert "In brief" in first_heading
    assert phone.locator("figure.quote--key").count() >= 2


def test_every_helpline_number_can_be_tapped(served_site, phone):
    phone.goto(served_site["url"] + "help/")
    contacts = phone.locator(".helpline .contact")
    assert contacts.count() >= 10
    for index in range(contacts.count()):
        contact = contacts.nth(index)
        text = contact.inner_text()
        linked = " ".join(contact.locator("a[href^='tel:'], a[href^='sms:']").all_inner_texts())
        # Every run of three or more digits (spaces between allowed) is inside a link a phone can act on.
        runs = re.findall(r"\d(?:\s?\d){2,}", text)
        assert runs, text
        for run in runs:
            assert run in linked, f"{run} in '{text}' is not a tel: or sms: link"
    hrefs = phone.eval_on_selector_all("a[href^='tel:']", "links => links.map(a => a.getAttribute('href'))")
    assert all(re.fullmatch(r"tel:\d+", href) for href in hrefs), hrefs
    assert phone.locator("a[href='tel:999']").count() >= 1


def quick_bar_overlaps(page) -> list[str]:
    """The quick bar's links must not overlap any visible header control, and each must be the element
    found at its own centre (nothing lies on top of it)."""
    return page.evaluate("""() => {
        const clipped = el => {   // inside a collapsed box that hides its overflow (Material's closed search on a phone)
            for (let a = el.parentElement; a; a = a.parentElement) {
                const r = a.getBoundingClientRect(), s = getComputedStyle(a);
                if (s.overflow !== 'visible' && (r.width < 2 || r.height < 2)) return true;
            }
            return false;
        };
        const shown = el => { const r = el.getBoundingClientRect();
            return r.width >= 2 && r.height >= 2 && !clipped(el) && el.checkVisibility({opacityProperty: true, visibilityProperty: true}); };
        const controls = [...document.querySelectorAll('.md-header button, .md-header label.md-header__button, .md-header input, ' +
                          '.md-header a, .md-search__options button, .md-search__icon')].filter(shown);
        const problems = [];
        for (const link of [...document.querySelectorAll('.quick-bar a')].filter(shown)) {
            const q = link.getBoundingClientRect();
            const hit = document.elementFromPoint(q.left + q.width / 2, q.top + q.height / 2);
            if (!hit || !link.contains(hit)) problems.push(`${link.textContent} is covered by ${hit && hit.className}`);
            for (const el of controls) {
                const r = el.getBoundingClientRect();
                if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom) {
                    problems.push(`${link.textContent.trim()} overlaps ${el.className || el.tagName}`);
                }
            }
        }
        return problems;
    }""")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_quick_bar_covers_no_control(served_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(served_site["url"] + "findings/")
    page.wait_for_function("() => document.querySelector('[data-exit-this-page]').classList.contains('exit-this-page--listening')")
    assert quick_bar_overlaps(page) == []
    header = page.locator(".md-header").bounding_box()
    for link in [".exit-this-page a", ".quick-help a"]:
        box = page.locator(link).bounding_box()
        assert abs((box["y"] + box["height"] / 2) - (header["y"] + header["height"] / 2)) <= 1.5, link
    # Search open, with text typed, so its clear button shows.
    if width < 1220:
        page.locator("label.md-header__button[for=__search]").click()
    else:
        page.locator(".md-search__input").click()
    page.keyboard.type("firewall")
    page.wait_for_timeout(200)
    assert page.locator(".md-search__options button[type=reset]").is_visible()
    assert quick_bar_overlaps(page) == []
    context.close()


def test_no_control_that_needs_javascript_shows_without_it(served_site, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    for path in ["", "voices/", "recommendations/"]:
        page.goto(served_site["url"] + path)
        visible_buttons = page.evaluate("""() => [...document.querySelectorAll('button, input:not([type=checkbox]), [data-md-component=search]')]
            .filter(el => el.checkVisibility({opacityProperty: true, visibilityProperty: true}))
            .map(el => el.outerHTML.slice(0, 80))""")
        assert visible_buttons == [], f"{path}: {visible_buttons}"
    assert page.locator("details.cite-claim summary").first.is_visible()   # native: works without JavaScript
    context.close()


def test_print_keeps_every_column_of_the_tables(served_site, browser):
    from pypdf import PdfReader
    page = browser.new_page(viewport={"width": 794, "height": 1123})   # A4 at 96 dpi
    expected = {"recommendations/": ["Question", "Date", "House", "Result", "For", "Against", "Majority", "Notes and source"],
                "methods/": ["What it is", "Value", "How it is computed", "Figures", "Sources", "Name"]}
    for path, headers in expected.items():
        page.goto(served_site["url"] + path)
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
        flat = re.sub(r"\s+", " ", text)
        for header in headers:
            assert header in flat, f"{path}: column '{header}' missing from print"
        assert "Cite this page" in flat and "Copy reference" not in flat
        # Laid out for print, every header cell of every table lies within the page.
        page.emulate_media(media="print")
        outside = page.evaluate("""() => [...document.querySelectorAll('.md-content table th')]
            .filter(th => th.checkVisibility())
            .filter(th => { const r = th.getBoundingClientRect(); return r.width < 8 || r.right > document.documentElement.clientWidth + 1; })
            .map(th => th.textContent)""")
        assert outside == [], f"{path}: clipped in print: {outside}"
        page.emulate_media(media="no-override")
    page.close()


def test_a_tapped_number_lands_on_its_methods_entry_in_full_view(served_site, phone):
    phone.goto(served_site["url"] + "findings/")
    link = phone.locator("a.stat[data-stat=referrals_total]").first
    link.click()
    phone.wait_for_url("**/methods/#stat-referrals_total")
    phone.wait_for_timeout(400)
    row = phone.locator("#stat-referrals_total").bounding_box()
    header = phone.locator(".md-header").bounding_box()
    assert row["y"] >= header["y"] + header["height"] - 1, "the entry is under the sticky header"
    assert row["y"] + min(row["height"], 400) <= 740
    assert row["x"] >= 0 and row["x"] + row["width"] <= 375, "the entry runs off the side of the phone"
    background = phone.evaluate("() => getComputedStyle(document.querySelector('#stat-referrals_total > td')).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), "the entry is not highlighted"


def test_the_shift_hint_shows_only_when_shift_works(served_site, browser):
    """Where the header has room (1440 px), the hint says Shift 3 times works; with the script that listens
    for it blocked, the hint must not show."""
    for blocked, shown in ((False, True), (True, False)):
        context = browser.new_context(viewport={"width": 1440, "height": 800})
        page = context.new_page()
        if blocked:
            page.route("**/exit-this-page.js", lambda route: route.abort())
        page.goto(served_site["url"] + "findings/")
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        assert page.locator(".exit-this-page__hint").is_visible() == shown, blocked
        context.close()


def test_no_dead_search_when_materials_bundle_fails(served_site, browser):
    """Search needs Material's bundle: if it cannot load, the page falls back to its no-JavaScript form."""
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())
    page.goto(served_site["url"] + "findings/")
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.classList.contains('no-js')")
    assert not page.locator("label.md-header__button[for=__search]").is_visible()
    context.close()
