"""The built site as a reader sees it, in a real headless Chromium.

Pages are discovered from the built site, so a new page is covered without editing this file.
Each page is loaded once; the tests then read what that visit found. A page with a problem
leaves a screenshot and its console log in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mkdocs.utils.yaml import yaml_load

from tests.browser import (
    CHROMIUM_ARGS,
    INSTALL_HINT,
    accessibility_problems,
    find_chromium,
    link_problems,
    load,
    pages,
    serve,
)
from tests.harness import ROOT

ARTIFACTS = ROOT / "test-artifacts"


def site_prefix() -> str:
    """The path of the site's public address: GitHub Pages serves a project under /<name>/."""
    return urlsplit(yaml_load((ROOT / "mkdocs.yml").read_text())["site_url"]).path


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {INSTALL_HINT}", pytrace=False)
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        headed = os.environ.get("HEADED") == "1"  # watch the tests: HEADED=1 (needs a display)
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=not headed
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(built_site: Path) -> Iterator[str]:
    with serve(built_site, prefix=site_prefix()) as base:
        yield base


@pytest.fixture
def open_context(chromium, request: pytest.FixtureRequest):
    """Make browser contexts for one test; if the test fails, keep a screenshot of each page."""
    contexts, logs = [], []

    def make(**options):
        context = chromium.new_context(**options)
        context.on("console", lambda message: logs.append(f"{message.type}: {message.text}"))
        contexts.append(context)
        return context

    yield make
    report = getattr(request.node, "call_report", None)
    for context in contexts:
        if report is not None and report.failed:
            for number, page in enumerate(context.pages):
                keep_evidence(page, f"{request.node.name}-{number}", logs)
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    if report.when == "call":
        item.call_report = report
    return report


@dataclass
class Visit:
    loading: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    diagrams: int = 0


def keep_evidence(page, name: str, logs: list[str]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"\W+", "_", name)
    page.screenshot(path=ARTIFACTS / f"{stem}.png", full_page=True)
    (ARTIFACTS / f"{stem}-console.log").write_text("\n".join(logs))


@pytest.fixture(scope="module")
def visits(chromium, site, built_site) -> dict[str, Visit]:
    """Every page loaded once: what went wrong while loading, with media, and for axe-core."""
    context = chromium.new_context()
    found = {}
    for name in pages(built_site):
        page, problems = load(context, site, name)
        visit = Visit(loading=problems)
        broken = page.evaluate(
            """async () => {
                const images = [...document.images]
                images.forEach(image => { image.loading = "eager" })  // lazy ones load too
                await Promise.all(images.map(image => image.decode().catch(() => null)))
                return images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)
            }"""
        )
        visit.media = [f"{name}: image did not load: {src}" for src in broken]
        if page.locator("pre.mermaid, div.mermaid").count():
            # Material swaps each <pre class="mermaid"> for a rendered <div class="mermaid">.
            try:
                page.wait_for_function("() => !document.querySelector('pre.mermaid')")
            except Exception:
                visit.media.append(f"{name}: a Mermaid diagram did not render")
            heights = page.evaluate(
                "() => [...document.querySelectorAll('div.mermaid')]"
                ".map(d => d.getBoundingClientRect().height)"
            )
            visit.diagrams = len(heights)
            visit.media += [f"{name}: a diagram rendered empty" for h in heights if h < 20]
        visit.accessibility = accessibility_problems(page, name)
        if visit.loading or visit.media or visit.accessibility:
            keep_evidence(page, name, visit.loading)
        page.close()
        found[name] = visit
    context.close()
    return found


def test_every_page_loads_with_no_error_and_no_request_to_another_host(visits) -> None:
    problems = [p for visit in visits.values() for p in visit.loading]
    assert not problems, "\n".join(problems)


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    problems = link_problems(built_site, prefix=site_prefix())
    assert not problems, "\n".join(problems)


def test_images_load_and_diagrams_render(visits) -> None:
    problems = [p for visit in visits.values() for p in visit.media]
    assert not problems, "\n".join(problems)
    assert sum(v.diagrams for v in visits.values()) >= 2, "expected at least two diagrams"


def test_no_serious_or_critical_accessibility_violation(visits) -> None:
    problems = [p for visit in visits.values() for p in visit.accessibility]
    assert not problems, "\n".join(problems)


def test_copy_buttons_tabs_and_annotations_work_when_clicked(open_context, site) -> None:
    context = open_context(permissions=["clipboard-read", "clipboard-write"])
    page, problems = load(context, site, "contributing/example.html")
    assert not problems, problems
    block = page.locator("div.highlight").first
    block.hover()
    block.locator("button[data-md-type='copy']").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.split() == block.locator("code").inner_text().split()
    assert copied.startswith("rides_today = [3.0, 12.5, 7.2]")

    page.locator(".tabbed-labels > label").nth(1).click()
    assert page.locator(".tabbed-block").nth(1).is_visible()
    assert "fare(km * 10)" in page.locator(".tabbed-block").nth(1).inner_text()

    page.locator(".md-annotation__index").first.click()
    tooltip = page.get_by_text("raises every fare by the same factor").locator("visible=true")
    tooltip.first.wait_for(state="visible")


@pytest.mark.parametrize(
    ("term", "expected_page"),
    [
        ("atomicity", "data-engineering/atomicity.html"),
        ("eventual consistency", "data-engineering/base.html"),
        ("drift", "lifecycle/monitoring.html"),
        ("hermitage", "data-engineering/isolation.html"),
    ],
)
def test_search_finds_a_key_term_and_opens_its_page(open_context, site, term, expected_page):
    context = open_context()
    page, _ = load(context, site, "index.html")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(term)  # Material reacts to keystrokes, not to a filled value
    results = page.locator(".md-search-result__item > a")
    results.first.wait_for(state="visible")
    paths = [urlsplit(url).path for url in results.evaluate_all("a => a.map(l => l.href)")]
    assert any(path.endswith(expected_page) for path in paths), paths
    results.nth(next(i for i, p in enumerate(paths) if p.endswith(expected_page))).click()
    page.wait_for_url(re.compile(re.escape(expected_page)))


def test_dark_mode_toggle_works_and_persists_across_pages(open_context, site) -> None:
    context = open_context()
    page, _ = load(context, site, "index.html")
    scheme = "() => document.body.getAttribute('data-md-color-scheme')"
    before = page.evaluate(scheme)
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    after = page.evaluate(scheme)
    assert before != after
    page.locator("a[href$='lifecycle/index.html']").first.click()
    page.wait_for_url(re.compile("lifecycle/index.html"))
    assert page.evaluate(scheme) == after
    page.reload()
    assert page.evaluate(scheme) == after


def test_the_site_opened_from_disk_navigates_between_pages(open_context, built_site) -> None:
    context = open_context()
    page = context.new_page()
    page.goto((built_site / "index.html").as_uri())
    page.locator("a[href$='contributing/testing.html']").first.click()
    page.wait_for_url(re.compile("contributing/testing.html$"))
    assert page.title().startswith("How this site is tested")


def test_on_a_phone_the_drawer_opens_and_text_does_not_scroll_sideways(
    open_context, site, built_site
) -> None:
    context = open_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page, _ = load(context, site, "index.html")
    page.locator("label.md-header__button[for='__drawer']").click()
    page.locator("nav.md-nav--primary").first.wait_for(state="visible")
    assert page.locator("input#__drawer").is_checked()
    wide = []
    for name in pages(built_site):
        if name.endswith(".nb.html"):
            continue  # notebook cells scroll inside their own boxes
        page.goto(site + name, wait_until="load")
        if page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1"):
            wide.append(name)
    assert not wide, f"pages wider than a phone screen: {wide}"


# --- the checkers catch what they claim to catch -------------------------------------------

BAD_PAGES = {
    "index.html": '<html lang="en"><head><title>ok</title></head><body><main><h1>ok</h1>'
    '<a href="page.html">page</a> <a href="page.html#here">anchor</a></main></body></html>',
    "page.html": '<html lang="en"><head><title>t</title></head><body><main><h1 id="here">t</h1>'
    "</main></body></html>",
    "broken-link.html": '<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
    '<a href="missing.html">gone</a> <a href="page.html#nowhere">no anchor</a>'
    "</main></body></html>",
    "foreign.html": '<html lang="en"><head><title>t</title>'
    '<script src="https://cdn.example.invalid/library.js"></script></head>'
    "<body><main><h1>t</h1></main></body></html>",
    "console.html": '<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
    '<script>console.error("something broke")</script></main></body></html>',
    "inaccessible.html": '<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
    "<button></button></main></body></html>",
}


@pytest.fixture
def bad_site(tmp_path: Path) -> Path:
    for name, html in BAD_PAGES.items():
        (tmp_path / name).write_text(html)
    return tmp_path


def test_the_link_checker_reports_a_broken_link_and_a_missing_anchor(bad_site: Path) -> None:
    assert link_problems(bad_site) == [
        "broken-link.html: broken link 'missing.html'",
        "broken-link.html: missing anchor 'page.html#nowhere'",
    ]


def test_the_page_checks_report_foreign_requests_console_errors_and_violations(
    open_context, bad_site: Path
) -> None:
    context = open_context()
    with serve(bad_site) as base:
        found = {name: load(context, base, name) for name in BAD_PAGES}
        clean = found["index.html"][1] + accessibility_problems(found["index.html"][0], "index")
        assert clean == []
        assert found["foreign.html"][1] == [
            "foreign.html: request to another host: https://cdn.example.invalid/library.js"
        ]
        assert found["console.html"][1] == ["console.html: console error: something broke"]
        violations = accessibility_problems(found["inaccessible.html"][0], "inaccessible.html")
        assert any("critical accessibility violation button-name" in v for v in violations)
