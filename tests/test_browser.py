"""The site in a real browser: headless Chromium from Debian, driven by Playwright, from disk and from a
server."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from playwright.sync_api import expect

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
ARTICLE = "articles/india-china-rare-earth-magnet-talks.html"
# One page of each kind, for the screenshots (test-artifacts/screenshots/) and the accessibility checks.
PAGE_KINDS = (
    ("front", "index.html"),
    ("latest", "latest/index.html"),
    ("article", ARTICLE),
    ("topic", "topics/rare-earths/index.html"),
    ("tag", "tags/export-controls/index.html"),
    ("topics", "topics/index.html"),
    ("edition", "editions/2025-12-18.html"),
    ("archive", "archive/index.html"),
    ("feeds", "feeds/index.html"),
    ("search", "search/index.html?q=china"),
    ("404", "404.html"),
)


class Watched:
    """A page whose console errors, failed requests and requests outside the site are all recorded."""

    def __init__(self, browser, site_root: str, **context_options):
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.site_root = site_root
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", self.check_failure)
        self.page.on("request", self.check_request)

    def check_request(self, request) -> None:
        if not (request.url.startswith(self.site_root) or request.url.startswith("data:")):
            self.problems.append(f"request outside the site: {request.url}")

    def check_failure(self, request) -> None:
        # The browser fetches the icon in the background; leaving the page before it arrives cancels it.
        if (
            request.resource_type == "other"
            and request.url.endswith("favicon.svg")
            and "ERR_ABORTED" in request.failure
        ):
            return
        self.problems.append(f"failed: {request.url} {request.failure}")

    def open(self, path: str) -> None:
        self.page.goto(self.site_root + path)

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def close(self) -> None:
        self.context.close()


def site_roots(sample_output: Path, served_sample: str) -> dict[str, str]:
    return {"disk": sample_output.resolve().as_uri() + "/", "server": served_sample}


@pytest.mark.parametrize("where", ["disk", "server"])
def test_reader_clicks_through_the_site(browser, sample_output, served_sample, where):
    watched = Watched(browser, site_roots(sample_output, served_sample)[where])
    page = watched.page
    watched.open("index.html")
    assert watched.heading() == "Thursday 18 December 2025", "the front page is the lead story's day"
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Latest").click()
    assert watched.heading() == "Latest news"
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Topics").click()
    assert watched.heading() == "Topics"
    page.get_by_role("link", name="Rare earths").click()
    assert watched.heading() == "Rare earths"
    page.locator("ol.entries h3 a").first.click()
    assert watched.heading().startswith("India, China signal readiness")
    page.locator(".tags a", has_text="Autos").click()
    assert watched.heading() == "Tagged “Autos”"
    page.go_back()
    assert watched.heading().startswith("India, China signal readiness")
    page.locator(".story .meta a").first.click()
    assert watched.heading() == "Thursday 12 June 2025"
    page.get_by_role("link", name="All editions").click()
    assert watched.heading() == "Daily editions"
    page.go_back()
    page.go_back()
    assert watched.heading().startswith("India, China signal readiness")
    page.get_by_role("link", name="News Digest", exact=True).click()
    assert watched.heading() == "Thursday 18 December 2025"
    page.get_by_role("link", name="More in South Asia politics →").click()
    assert watched.heading() == "South Asia politics"
    watched.close()
    assert watched.problems == []


def test_a_query_typed_before_the_search_script_arrives_is_searched_and_kept(browser, served_sample):
    """On a slow line the field takes focus, and the reader types, before search.js has come."""
    watched = Watched(browser, served_sample)
    page = watched.page
    held = []
    page.route("**/static/search.js", lambda route: held.append(route))
    page.goto(served_sample + "search/index.html", wait_until="commit")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'search-query'")
    page.keyboard.type("magnet")
    assert len(held) == 1, "the script was held back while the reader typed"
    held[0].continue_()
    expect(page.locator("#search-results > li")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"search/index\.html\?q=magnet$"))
    watched.close()
    assert watched.problems == []


@pytest.mark.parametrize("where", ["disk", "server"])
def test_search_works_offline_and_without_a_mouse(browser, sample_output, served_sample, where):
    watched = Watched(browser, site_roots(sample_output, served_sample)[where])
    page = watched.page
    watched.open("index.html")
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Search").click()
    # Browsers apply autofocus after the page has loaded, so wait for it rather than read it at once.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'search-query'")
    page.keyboard.type("magnet")
    expect(page.locator("#search-status")).to_have_text("1 article matches.")
    expect(page.locator("#search-results > li")).to_have_count(1)
    result = page.locator("#search-results > li").first
    expect(result.locator("time")).to_have_text("12 June 2025")
    expect(result.locator(".meta")).to_have_text("12 June 2025 · Northeast Herald")
    expect(result.locator(".topics a")).to_have_text(["Rare earths", "India–China relations"])
    expect(result.locator("h2 mark")).to_have_text(["magnet"])
    # The query is kept in the address as the reader types, so a reload or a shared link shows the same.
    expect(page).to_have_url(re.compile(r"search/index\.html\?q=magnet$"))
    page.keyboard.press("Backspace")
    page.keyboard.type("t supply bottlenecks")
    expect(page.locator("#search-results a").first).to_have_text(re.compile("^India, China signal readiness"))
    page.keyboard.press("Enter")
    expect(page.locator("#search-results a").first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/" + ARTICLE)
    assert watched.heading().startswith("India, China signal readiness")
    watched.open("search/index.html?q=dhaka")
    # A headline alone is found, as it is listed: as text, with no page to open.
    alone = page.locator("#search-results > li")
    expect(alone).to_have_count(1)
    expect(alone.locator("h2")).to_have_text(re.compile("^Chaos in Dhaka!"))
    expect(alone.locator("h2 mark")).to_have_text(["Dhaka"])
    expect(alone.locator("h2 a")).to_have_count(0)
    watched.open("search/index.html?q=bangladesh")
    expect(page.locator("#search-results > li")).to_have_count(2)
    watched.open("search/index.html?q=northeast")
    expect(page.locator("#search-results > li")).to_have_count(9)
    days = page.locator("#search-results > li time").evaluate_all("times => times.map(t => t.dateTime)")
    assert len(days) == 9 and days == sorted(days, reverse=True), "newest first among equal matches"
    watched.open("search/index.html?q=zzzz")
    expect(page.locator("#search-status")).to_have_text("No articles match.")
    watched.close()
    assert watched.problems == []


@pytest.mark.parametrize("path", [path for _, path in PAGE_KINDS] + ["tags/index.html"])
def test_no_serious_accessibility_violations(browser, served_sample, path):
    from axe_playwright_python.sync_playwright import Axe
    watched = Watched(browser, served_sample)
    watched.open(path)
    if "?q=" in path:
        expect(watched.page.locator("#search-status")).to_contain_text("match")
    for scheme in ("light", "dark"):
        watched.page.emulate_media(color_scheme=scheme)
        violations = Axe().run(watched.page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], f"{path} in {scheme}: {serious}"
    watched.close()


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 900)])
def test_screenshots_light_and_dark(browser, sample_output, width, height):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    root = sample_output.resolve().as_uri() + "/"
    backgrounds = {}
    for scheme in ("light", "dark"):
        watched = Watched(browser, root, viewport={"width": width, "height": height}, color_scheme=scheme)
        for name, path in PAGE_KINDS:
            watched.open(path)
            if "?q=" in path:
                expect(watched.page.locator("#search-status")).to_contain_text("match")
            target = SCREENSHOTS / f"{name}-{scheme}-{width}.png"
            watched.page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
            overflow = watched.page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"{path} scrolls sideways at {width}px"
        backgrounds[scheme] = watched.page.evaluate("getComputedStyle(document.body).backgroundColor")
        watched.close()
        assert watched.problems == []
    assert backgrounds["light"] != backgrounds["dark"]


def test_the_404_page_is_styled_from_disk(browser, sample_output):
    page = browser.new_page()
    page.goto((sample_output / "404.html").as_uri())
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-title a')).textDecorationLine")
        == "none"
    )
    link = page.get_by_role("link", name="the latest news")
    assert link.evaluate("a => a.href") == (sample_output / "index.html").as_uri()
    page.close()


def test_the_404_page_styles_itself_at_any_depth(browser, served_sample):
    watched = Watched(browser, served_sample)
    response = watched.page.goto(served_sample + "404.html")
    assert response.ok
    watched.page.goto(served_sample.replace("/newsdigest/", "/newsdigest/") + "404.html")
    color = watched.page.evaluate(
        "getComputedStyle(document.querySelector('.site-title a')).textDecorationLine"
    )
    assert color == "none", "the stylesheet loaded"
    link = watched.page.get_by_role("link", name="the latest news")
    assert urlsplit(link.evaluate("a => a.href")).path == "/newsdigest/index.html"
    watched.close()
    assert watched.problems == []


# Every element with text of its own, and its computed font size in pixels.
TEXT_SIZES = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.offsetParent !== null
    && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => [e.tagName + '.' + e.className, parseFloat(getComputedStyle(e).fontSize)])"""


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 900)])
def test_what_a_reader_can_open_and_read_at_a_glance(browser, sample_output, width, height):
    """A headline alone looks unlike one that opens; no text is under 14 px; the phone's menu is one row of
    links a finger can hit."""
    root = sample_output.resolve().as_uri() + "/"
    watched = Watched(browser, root, viewport={"width": width, "height": height})
    page = watched.page
    for _, path in PAGE_KINDS:
        watched.open(path)
        small = [(name, size) for name, size in page.evaluate(TEXT_SIZES) if size < 14]
        assert small == [], (path, small[:5])
    watched.open("index.html")
    alone = page.locator(".entry.headline-only").first
    expect(alone.locator("h3 a")).to_have_count(0)
    expect(alone.locator(".meta")).to_contain_text("headline only")
    opens = page.locator(".entry:not(.headline-only) h3 a").first
    style = "e => [getComputedStyle(e).color, getComputedStyle(e).fontWeight]"
    assert alone.locator("h3").evaluate(style) != opens.evaluate(style)
    links = page.locator(".masthead nav a")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    assert all(box["height"] >= 44 for box in boxes), boxes
    if width < 600:
        assert len({round(box["y"]) for box in boxes}) == 1, "one row on a phone"
    watched.close()
    assert watched.problems == []


VISIBLE_HEADLINES = """(height) => [...document.querySelectorAll('article.entry :is(h2, h3)')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.top >= 0 && box.bottom <= height;
}).length"""


@pytest.fixture(scope="module")
def digest_output(tmp_path_factory) -> Path:
    """A day of real headlines (bench/stories/) in three topics, each with two short paragraphs: stories of
    up to thirty reports, built through the command line."""
    import sys

    from conftest import run_cli
    sys.path.insert(0, str(ROOT / "bench" / "stories"))
    from headlines import write_site

    site = tmp_path_factory.mktemp("digest") / "site"
    write_site(site, text=True)
    assert run_cli("build", "--site", str(site)).returncode == 0
    return site / "output"


@pytest.mark.parametrize("width, height, least", [(1280, 900, 15), (390, 844, 6)])
def test_a_digests_front_page_leads_with_the_widest_story_and_is_dense(browser, digest_output, width, height,
                                                                        least):
    """The lead is the story the most publishers reported (McDonald's February sales: 28 in the reader's
    judgement, eBay's board fight 23); it names five of the others and links the rest, which its page lists,
    while another report's page lists five and links to the lead's list; the first screen holds at least
    `least` whole headlines, and nothing runs off the side."""
    watched = Watched(browser, digest_output.resolve().as_uri() + "/",
                      viewport={"width": width, "height": height})
    page = watched.page
    watched.open("index.html")
    lead = page.locator(".lead .entry")
    expect(lead.locator("h2")).to_contain_text("McDonald's")
    expect(lead.locator(".also a:not(:last-child)")).to_have_count(5)
    assert page.evaluate(VISIBLE_HEADLINES, height) >= least
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    more = lead.locator(".also a").last
    expect(more).to_have_text(re.compile(r"and \d+ more"))
    hidden = int(re.search(r"\d+", more.inner_text()).group())
    more.click()
    whole = page.locator("#also li")
    expect(whole).to_have_count(5 + hidden)
    lead_address = page.url.split("#")[0]
    # Another report's page lists the lead and a few other publishers' reports, and links to the whole list.
    whole.locator("a").last.click()
    expect(page.locator("#also li")).to_have_count(5)
    expect(page.locator("#also li a").first).to_have_attribute("href", re.compile(re.escape(
        lead_address.rsplit("/", 1)[1]) + "$"))
    page.get_by_role("link", name="Every report of this story").click()
    expect(page).to_have_url(lead_address + "#also")
    expect(whole).to_have_count(5 + hidden)
    watched.close()
    assert watched.problems == []
