"""The built site: a strict build, and proof that every code block in its HTML was executed."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

import jupytext
from selectolax.lexbor import LexborHTMLParser
from sybil import Document

from tests.harness import DOCS, displayed_text, lex_fences, shown_path


def test_the_site_builds_strictly_without_a_warning(built_site: Path) -> None:
    log = (built_site.parent / "build.log").read_text()
    warnings = [line for line in log.splitlines() if line.startswith("WARNING")]
    assert not warnings, "\n".join(warnings)
    assert (built_site / "index.html").exists()
    assert (built_site / "404.html").exists()


def page_html(site: Path, source: Path) -> Path:
    """Where a page's HTML lands (the offline plugin turns off directory URLs)."""
    relative = source.relative_to(DOCS).as_posix().removesuffix(".py").removesuffix(".md")
    return site / f"{relative}.html"


def html_blocks(html: Path) -> tuple[list[tuple[str, str]], int, list[str]]:
    """Code blocks (language, text), Mermaid diagrams, and any other <pre> of a page's content."""
    article = LexborHTMLParser(html.read_text()).css_first("article")
    blocks, diagrams, strays = [], 0, []
    for highlight in article.css("div.highlight"):
        language = next(
            (c.removeprefix("language-") for c in highlight.attributes["class"].split()
             if c.startswith("language-")),
            "",
        )  # fmt: skip
        pre = highlight.css_first("td.code pre") or highlight.css_first("pre")
        blocks.append((language, pre.text()))
    for pre in article.css("pre"):
        if "mermaid" in (pre.attributes.get("class") or ""):
            diagrams += 1
        elif not any(
            "highlight" in (node.attributes.get("class") or "") for node in ancestors(pre)
        ):
            strays.append(pre.text()[:80])
    return blocks, diagrams, strays


def ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def normalised(text: str) -> str:
    """Compare text as shown: common indentation and trailing white space do not count."""
    lines = textwrap.dedent(text).strip("\n").split("\n")
    return "\n".join(line.rstrip() for line in lines)


def markdown_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "assets" not in p.parts)


def notebook_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.nb.py"))


def test_every_code_block_in_the_built_html_was_executed_or_is_shown_only(
    built_site: Path, record_property
) -> None:
    counts: Counter[str] = Counter()
    problems = []
    for source in markdown_pages():
        fences = lex_fences(Document(source.read_text(), str(source)))
        code_fences = [f for f in fences if f.language != "mermaid"]
        blocks, diagrams, strays = html_blocks(page_html(built_site, source))
        for stray in strays:
            problems.append(f"{shown_path(source)}: a <pre> the harness cannot see: {stray!r}")
        if diagrams != len(fences) - len(code_fences):
            problems.append(f"{shown_path(source)}: {diagrams} diagrams in the HTML")
        for index, (language, text) in enumerate(blocks):
            if index >= len(code_fences):
                problems.append(
                    f"{shown_path(source)}: HTML block {index + 1} ({language}) "
                    f"has no fence in the source the harness reads: {text[:80]!r}"
                )
                continue
            fence = code_fences[index]
            if normalised(text) != normalised(displayed_text(fence)):
                problems.append(f"{fence.where}: the HTML shows other code than the harness runs")
            counts["seen"] += 1
            kind = {"code": "executed", "doctest": "executed", "output": "output checked",
                    "static": "shown only"}[fence.kind]  # fmt: skip
            counts["skipped with a reason" if fence.skip_reason else kind] += 1
        if len(code_fences) > len(blocks):
            missing = code_fences[len(blocks)]
            problems.append(f"{missing.where}: this block is missing from the built HTML")
        counts["diagrams"] += diagrams
    for notebook in notebook_pages():
        cells = [c for c in jupytext.read(notebook).cells if c.cell_type == "code"]
        article = LexborHTMLParser(page_html(built_site, notebook).read_text()).css_first("article")
        rendered = article.css("div.highlight-ipynb")
        if len(rendered) != len(cells):
            problems.append(f"{shown_path(notebook)}: {len(rendered)} code cells in the HTML, "
                            f"{len(cells)} executed by tests/test_notebooks.py")  # fmt: skip
        counts["seen"] += len(rendered)
        counts["notebook cells executed"] += len(rendered)
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    record_property("block_coverage", summary)
    assert not problems, "\n".join(problems)
    assert counts["executed"] > 0
