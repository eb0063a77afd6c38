"""Glue that lets sybil execute every block of every page the way the built site shows it.

sybil's stock Markdown parsers only collect fences whose info string is exactly ``python``; this
module lexes every fence with sybil's ``RawFencedCodeBlockLexer`` and decides what each one is:

* ``code``     a Python block (``python``, ``py``, ``python3``, ``{ .python … }``, any attributes),
               executed after resolving its ``--8<--`` includes exactly as pymdownx.snippets does;
* ``doctest``  a ``pycon`` block (or a Python block starting with ``>>>``), run example by example;
* ``output``   a fence titled ``Output`` right after a code block: what that block must print;
* ``static``   a block of a language that is shown, not run (shell, config, diagrams).

One sybil region is made per code block (with its output block) and per doctest block. Every
page runs in its own namespace and temporary directory. A block runs at most once, always after
the blocks above it, so pytest may call the items of a page in any order.
"""

from __future__ import annotations

import difflib
import doctest
import io
import os
import random
import re
import shutil
import sys
import tempfile
import traceback
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, redirect_stdout, suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import markdown
import pytest
from mkdocs.utils.yaml import yaml_load
from sybil import Document, Example, Region
from sybil.example import SybilFailure
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

PYTHON = {"python", "py", "python3"}
DOCTEST = {"pycon"}
# Shown to the reader, never run. A language missing from all three sets is an error, so a new
# kind of block cannot slip past the harness unnoticed.
STATIC = {
    "bash", "sh", "shell", "console", "text", "txt", "yaml", "yml", "toml", "json", "ini",
    "sql", "markdown", "md", "html", "jinja", "diff", "csv", "mermaid",
}  # fmt: skip
OUTPUT_TITLE = re.compile(r"^Output(?P<abridged> \(abridged\))?$")

INFO = re.compile(r"(?P<info>[^\n]*)$\n", re.MULTILINE)
ATTRIBUTE = re.compile(r'(?P<key>[\w-]+)="(?P<value>[^"]*)"|(?P<word>\S+)')
SKIP = re.compile(r"^[ \t]*<!--[ \t]*skip:[ \t]*(?P<arguments>.*?)[ \t]*-->[ \t]*$", re.MULTILINE)
SKIP_ARGUMENTS = re.compile(r'^next[ \t]+"(?P<reason>[^"]+)"$')


def shown_path(path: Path | str) -> str:
    """A path as messages show it: relative to the repository where it is inside it."""
    path = Path(path)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


class PageError(Exception):
    """The page source itself is wrong: the message names the file and line."""


# --------------------------------------------------------------------------------------------
# Lexing: every fence of a page, classified
# --------------------------------------------------------------------------------------------


@dataclass
class Fence:
    path: Path
    start: int  # offsets of the whole fence (opening to closing) in the page text
    end: int
    line: int  # line of the opening fence, 1-based
    indent: str  # what stands before the opening fence on its line (admonition, tab, list)
    language: str
    classes: list[str]
    attributes: dict[str, str]
    source: str  # the content, with the indent removed
    kind: str = "static"
    output: Fence | None = None  # for code fences: the output fence that follows
    skip_reason: str | None = None
    lines: list[Line] | None = None  # resolved includes, kept from collection to the run

    @property
    def where(self) -> str:
        return f"{shown_path(self.path)}:{self.line}"

    @property
    def first_content_line(self) -> int:
        return self.line + 1


def parse_info(info: str) -> tuple[str, list[str], dict[str, str]]:
    """Split a fence's info string into language, classes and attributes."""
    info = info.strip()
    braces = info.startswith("{") and info.endswith("}")
    if braces:
        info = info[1:-1]
    language, classes, attributes = "", [], {}
    for match in ATTRIBUTE.finditer(info):
        if match["key"]:
            attributes[match["key"]] = match["value"]
        elif braces and match["word"].startswith("."):
            classes.append(match["word"][1:])
        elif not braces and not language:
            language = match["word"]
        else:
            attributes[match["word"]] = ""
    if braces and classes:
        language = classes[0]
    return language.lower(), classes, attributes


def lex_fences(document: Document) -> list[Fence]:
    """Every fenced block of the page, in order, classified; raises PageError on a wrong page."""
    path = Path(document.path)
    text = document.text
    fences = []
    for region in RawFencedCodeBlockLexer(info_pattern=INFO)(document):
        line_start = text.rfind("\n", 0, region.start) + 1
        language, classes, attributes = parse_info(region.lexemes["info"])
        fence = Fence(
            path=path,
            start=region.start,
            end=region.end,
            line=text.count("\n", 0, region.start) + 1,
            indent=text[line_start : region.start],
            language=language,
            classes=classes,
            attributes=attributes,
            source=str(region.lexemes["source"]),
        )
        fences.append(fence)
    # The lexer also finds fences shown inside a fence (a Markdown example of a Python block);
    # like the Markdown renderer, keep only the outermost.
    outermost: list[Fence] = []
    for fence in sorted(fences, key=lambda f: f.start):
        if not outermost or fence.start >= outermost[-1].end:
            outermost.append(fence)
    fences = outermost
    skips = {text.count("\n", 0, m.start()) + 1: m for m in SKIP.finditer(text)}
    previous: Fence | None = None
    for fence in fences:
        title = fence.attributes.get("title", "")
        if fence.language in PYTHON:
            fence.kind = "doctest" if fence.source.lstrip().startswith(">>>") else "code"
        elif fence.language in DOCTEST:
            fence.kind = "doctest"
        elif OUTPUT_TITLE.match(title):
            fence.kind = "output"
            between = text[previous.end : fence.start] if previous else "x"
            if previous is None or previous.kind != "code" or between.strip():
                raise PageError(
                    f"{fence.where}: an output block must follow the Python block that prints it"
                )
            previous.output = fence
        elif fence.language in STATIC:
            fence.kind = "static"
        else:
            raise PageError(
                f"{fence.where}: unknown block language {fence.language!r}; write a Python "
                f"block, or add the language to STATIC in tests/harness.py if it is never run"
            )
        previous = fence
    for line, match in skips.items():
        if any(f.start < match.start() < f.end for f in fences):
            continue  # a skip shown inside a block, as on the contributor page
        arguments = SKIP_ARGUMENTS.match(match["arguments"])
        where = f"{shown_path(path)}:{line}"
        if arguments is None:
            raise PageError(f'{where}: write a skip as <!-- skip: next "the reason" -->')
        following = next((f for f in fences if f.start > match.end()), None)
        gap = text[match.end() : following.start] if following else "x"
        if following is None or following.kind not in ("code", "doctest") or gap.strip():
            raise PageError(f"{where}: a skip must stand right before a Python block")
        following.skip_reason = arguments["reason"]
    return fences


# --------------------------------------------------------------------------------------------
# Includes: resolved like pymdownx.snippets, but remembering where every line came from
# --------------------------------------------------------------------------------------------


@cache
def snippets_preprocessor():
    """pymdownx.snippets configured exactly as in mkdocs.yml (base paths made absolute)."""
    config = yaml_load((ROOT / "mkdocs.yml").read_text())
    options = {}
    for extension in config["markdown_extensions"]:
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            options = dict(extension["pymdownx.snippets"])
    options["base_path"] = [str(ROOT / base) for base in options.get("base_path", ["."])]
    options.pop("auto_append", None)
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options}
    )
    return md.preprocessors["snippet"]


SNIPPET_LINE = re.compile(r"""^-{1,}8<-{1,}[ \t]+(?P<q>["'])(?P<spec>.+?)(?P=q)[ \t]*$""")
SPEC = re.compile(
    r"^(?P<path>.*?)(?::(?P<start>\d*)(?::(?P<end>\d*))?|:(?P<section>[a-z][-_0-9a-z]*))?$"
)


@dataclass(frozen=True)
class Line:
    text: str
    filename: str
    lineno: int


def _section_lines(preprocessor, numbered: list[Line], name: str) -> list[Line]:
    selected, inside = [], False
    for line in numbered:
        marker = preprocessor.RE_SNIPPET_SECTION.match(line.text)
        if marker and marker.group("name") == name:
            if marker.group("type") == "end" and inside:
                break
            inside = True
        elif marker is None and inside:
            selected.append(line)
    return selected


def _include(preprocessor, spec: str, where: str) -> list[Line]:
    match = SPEC.match(spec)
    path = preprocessor.get_snippet_path(match["path"]) if match else None
    if path is None:
        raise PageError(f"{where}: snippet file {spec!r} not found under {preprocessor.base_path}")
    raw = Path(path).read_text(encoding="utf-8").split("\n")
    numbered = [Line(text, path, number) for number, text in enumerate(raw, start=1)]
    if match["section"]:
        lines = _section_lines(preprocessor, numbered, match["section"])
        if not lines:
            raise PageError(f"{where}: section {match['section']!r} not found in {path}")
    elif match["start"] is not None or match["end"] is not None:
        start = max(int(match["start"] or 1) - 1, 0)
        end = int(match["end"]) if match["end"] else None
        lines = numbered[start:end]
    else:
        return [line for line in numbered if not preprocessor.RE_SNIPPET_SECTION.match(line.text)]
    if preprocessor.dedent_subsections:
        dedented = preprocessor.dedent([line.text for line in lines])
        pairs = zip(dedented, lines, strict=True)
        lines = [Line(text, line.filename, line.lineno) for text, line in pairs]
    return lines


def resolve(fence: Fence) -> list[Line]:
    """The block's lines as the built page shows them, each with the file and line it came from.

    The text is checked against pymdownx.snippets' own expansion, so the harness can never run
    something other than what the reader sees.
    """
    if fence.lines is not None:
        return fence.lines
    preprocessor = snippets_preprocessor()
    lines: list[Line] = []
    source_lines = fence.source.rstrip("\n").split("\n")
    for offset, text in enumerate(source_lines):
        include = SNIPPET_LINE.match(text.strip())
        if include:
            where = f"{shown_path(fence.path)}:{fence.first_content_line + offset}"
            lines += _include(preprocessor, include["spec"], where)
        else:
            # Escaped notation (`;--8<--`) is shown unescaped; a bare section marker not at all.
            shown = preprocessor.run([text]) if "8<" in text else [text]
            lines += [Line(t, str(fence.path), fence.first_content_line + offset) for t in shown]
    try:
        expected = preprocessor.run(list(source_lines))
    except Exception as error:  # SnippetMissingError and friends
        raise PageError(f"{fence.where}: {error}") from error
    if [line.text for line in lines] != expected:
        diff = "\n".join(
            difflib.unified_diff(
                expected, [ln.text for ln in lines], "pymdownx", "harness", lineterm=""
            )
        )
        raise PageError(
            f"{fence.where}: the harness would run other code than the page shows:\n{diff}"
        )
    fence.lines = lines
    return lines


def displayed_text(fence: Fence) -> str:
    """What the reader sees in the block, includes expanded."""
    if fence.kind == "code":
        return "\n".join(line.text for line in resolve(fence))
    return "\n".join(snippets_preprocessor().run(fence.source.rstrip("\n").split("\n")))


def compile_lines(lines: list[Line]) -> Iterator:
    """Compile runs of lines from one file, padded so tracebacks name the real file and line."""
    runs: list[list[Line]] = []
    for line in lines:
        run = runs[-1] if runs else None
        if run and run[-1].filename == line.filename and run[-1].lineno < line.lineno:
            run.append(line)
        else:
            runs.append([line])
    for run in runs:
        if not "".join(line.text for line in run).strip():
            continue
        padded = [""] * run[-1].lineno
        for line in run:
            padded[line.lineno - 1] = line.text
        yield compile("\n".join(padded) + "\n", run[0].filename, "exec", dont_inherit=True)


# --------------------------------------------------------------------------------------------
# Running a page
# --------------------------------------------------------------------------------------------


@dataclass
class Page:
    """What one page's run has so far: its directory and the result of each block that ran."""

    directory: Path
    results: dict[int, BaseException | None] = field(default_factory=dict)


PAGES: weakref.WeakKeyDictionary[Document, Page] = weakref.WeakKeyDictionary()
PAGE_DIRECTORIES: list[Path] = []
UPDATES: list[tuple[Path, int, int, list[str]]] = []  # path, first line, end line, new lines
SETTINGS = {"update": False}


def page_for(document: Document) -> Page:
    if document not in PAGES:
        directory = Path(tempfile.mkdtemp(prefix=f"page-{Path(document.path).stem}-"))
        PAGE_DIRECTORIES.append(directory)
        PAGES[document] = Page(directory)
        # Blocks run like a script the reader runs: a whole snippet file's __main__ part runs too.
        document.namespace["__name__"] = "__main__"
    return PAGES[document]


def remove_page_directories() -> None:
    while PAGE_DIRECTORIES:
        shutil.rmtree(PAGE_DIRECTORIES.pop(), ignore_errors=True)


@contextmanager
def inside(page: Page) -> Iterator[None]:
    """Run in the page's directory with the global random generators seeded."""
    before = Path.cwd()
    os.chdir(page.directory)
    random.seed(0)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(0)
    try:
        yield
    finally:
        os.chdir(before)


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def check_output(fence: Fence, printed: str) -> str | None:
    """None if the block printed what its output block shows; else a diff."""
    output = fence.output
    if output is None:
        if printed.strip():
            return (
                f"{fence.where}: the block printed output but shows none; add an output block "
                f'(```text title="Output") and fill it with ./dev update-outputs:\n{printed}'
            )
        return None
    shown, got = normalise(output.source), normalise(printed)
    abridged = OUTPUT_TITLE.match(output.attributes["title"])["abridged"]
    if abridged:
        same = doctest.OutputChecker().check_output(shown + "\n", got + "\n", doctest.ELLIPSIS)
    else:
        same = shown == got
    if same:
        return None
    if SETTINGS["update"]:
        first = output.line + 1
        UPDATES.append((output.path, first, first + output.source.count("\n"), got.split("\n")))
        return None
    diff = "\n".join(
        difflib.unified_diff(
            shown.split("\n"),
            got.split("\n"),
            "shown on the page",
            "printed by the code",
            lineterm="",
        )
    )
    return (
        f"{output.where}: the output shown differs from what the block at line {fence.line} "
        f"printed (run ./dev update-outputs to rewrite it):\n{diff}"
    )


def run_code(fence: Fence, namespace: dict) -> str | None:
    __tracebackhide__ = True
    printed = io.StringIO()
    with redirect_stdout(printed):
        for code in compile_lines(resolve(fence)):
            exec(code, namespace)
    return check_output(fence, printed.getvalue())


def run_doctest(fence: Fence, namespace: dict) -> str | None:
    __tracebackhide__ = True
    checker = doctest.OutputChecker()
    problems = []
    for example in doctest.DocTestParser().get_examples(fence.source):
        line = fence.first_content_line + example.lineno
        padded = "\n" * (line - 1) + example.source
        flags = sum(flag for flag, on in example.options.items() if on)
        printed = io.StringIO()
        with redirect_stdout(printed):
            try:
                exec(compile(padded, str(fence.path), "single", dont_inherit=True), namespace)
                raised = None
            except Exception as error:
                if example.exc_msg is None:
                    raise
                raised = traceback.format_exception_only(type(error), error)[-1]
        if raised is not None:
            got, want = raised, example.exc_msg
            ok = checker.check_output(want, got, flags)
        else:
            got, want = printed.getvalue(), example.want
            ok = checker.check_output(want, got, flags)
        if ok:
            continue
        if SETTINGS["update"] and raised is None:
            want_line = line + example.source.count("\n")
            new = got.rstrip("\n").split("\n") if got else []
            UPDATES.append((fence.path, want_line, want_line + want.count("\n"), new))
            continue
        report = checker.output_difference(example, got, flags | doctest.REPORT_UDIFF)
        problems.append(f"{shown_path(fence.path)}:{line}: {example.source.strip()}\n{report}")
    return "\n".join(problems) or None


def evaluate(example: Example) -> str | None:
    """sybil evaluator: run the blocks above this one if they have not run, then this one."""
    __tracebackhide__ = True
    page = page_for(example.document)
    for earlier in example.document.examples():
        if earlier.start >= example.start:
            break
        if earlier.region.evaluator is evaluate and earlier.start not in page.results:
            with suppress(BaseException):  # its own test item reports it
                _run_once(earlier, page)
        failure = page.results.get(earlier.start)
        # A wrong output leaves the namespace intact; a raised exception does not.
        if failure is not None and not isinstance(failure, pytest.skip.Exception | SybilFailure):
            raise SybilFailure(
                example, f"not run: the block at {earlier.parsed.where} failed before it"
            )
    return _run_once(example, page)


def _run_once(example: Example, page: Page) -> str | None:
    __tracebackhide__ = True
    fence: Fence = example.parsed
    if example.start in page.results:
        failure = page.results[example.start]
        if failure is not None:
            raise failure
        return None
    try:
        if fence.skip_reason:
            pytest.skip(f"{fence.where}: {fence.skip_reason}")
        with inside(page):
            runner = run_doctest if fence.kind == "doctest" else run_code
            problem = runner(fence, example.namespace)
        if problem:
            raise SybilFailure(example, problem)
    except BaseException as error:
        if not isinstance(error, pytest.skip.Exception | AssertionError | PageError):
            error.add_note(f"in the block at {fence.where}")
        page.results[example.start] = error
        raise
    page.results[example.start] = None
    return None


def parse_page(document: Document) -> Iterable[Region]:
    """sybil parser: one region per Python or doctest block (with its output block)."""
    for fence in lex_fences(document):
        if fence.kind == "code":
            resolve(fence)  # a missing snippet or section is a collection error
        if fence.kind in ("code", "doctest"):
            end = fence.output.end if fence.output else fence.end
            yield Region(fence.start, end, parsed=fence, evaluator=evaluate)


def apply_updates() -> list[Path]:
    """Write the outputs collected in update mode into the pages; returns the pages changed."""
    by_path: dict[Path, list[tuple[int, int, list[str]]]] = {}
    for path, first, end, new in UPDATES:
        by_path.setdefault(path, []).append((first, end, new))
    for path, changes in by_path.items():
        lines = path.read_text(encoding="utf-8").split("\n")
        for first, end, new in sorted(changes, reverse=True):
            indent = re.match(r"[ \t]*", lines[first - 2]).group() if first >= 2 else ""
            lines[first - 1 : end - 1] = [indent + t if t else t for t in new]
        path.write_text("\n".join(lines), encoding="utf-8")
    UPDATES.clear()
    return list(by_path)
