"""The harness fails loudly, naming the page and line, for every way a page can be wrong.

Each test writes a small page into a temporary docs/ folder and runs pytest on it in a
subprocess, with the same conftest.py as the real site.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pymdownx.snippets import SnippetMissingError

from tests.harness import ROOT, snippets_preprocessor

pytest_plugins = ["pytester"]

FENCE = "```"


@pytest.fixture
def docs(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", f"{ROOT}:{ROOT / 'snippets'}")
    pytester.makeconftest((ROOT / "conftest.py").read_text())
    (pytester.path / "docs").mkdir()
    return pytester


def write_page(pytester: pytest.Pytester, text: str) -> Path:
    page = pytester.path / "docs" / "page.md"
    page.write_text(textwrap.dedent(text).replace("'''", FENCE))
    return page


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "-ra", "-p", "no:randomly", "-p", "no:cacheprovider", *args
    )


def test_a_raising_block_fails_naming_the_page_line_and_the_snippet_line(docs) -> None:
    write_page(
        docs,
        """\
        # A page

        '''python
        --8<-- "contributing/example.py:fare"
        '''

        '''python
        fare("ten")
        '''
        """,
    )
    result = run(docs)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*page.md line=7*",
            ">*return round((BASE_FARE + PER_KM * km) * surge, 2)",
            "E*TypeError: can't multiply sequence*",
            "E*in the block at *page.md:7",
            "*snippets/contributing/example.py:13: TypeError",
        ]
    )


def test_a_wrong_displayed_output_fails_with_a_diff(docs) -> None:
    write_page(
        docs,
        """\
        '''python
        print(2 + 2)
        '''

        '''text title="Output"
        5
        '''
        """,
    )
    result = run(docs)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*page.md:5: the output shown differs*", "*-5", "*+4"], consecutive=False
    )


def test_update_outputs_rewrites_the_page_and_then_it_passes(docs) -> None:
    page = write_page(
        docs,
        """\
        !!! note

            '''python
            print("one")
            print("two")
            '''

            '''text title="Output"
            stale
            '''

        '''pycon
        >>> 6 * 7
        41
        '''
        """,
    )
    run(docs, "--update-outputs").assert_outcomes(passed=2)
    assert "    one\n    two\n" in page.read_text()
    assert ">>> 6 * 7\n42\n" in page.read_text()
    run(docs).assert_outcomes(passed=2)


def test_a_block_that_prints_without_showing_its_output_fails(docs) -> None:
    write_page(docs, "'''py\nprint('unseen')\n'''\n")
    result = run(docs)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*printed output but shows none*"])


def test_a_doctest_with_a_wrong_result_fails(docs) -> None:
    write_page(docs, "'''pycon\n>>> sorted({3, 1, 2})\n[1, 2]\n'''\n")
    result = run(docs)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*page.md:2: sorted({3, 1, 2})", "Expected:", "    [1, 2]", "Got:", "    [1, 2, 3]"]
    )


def test_a_missing_snippet_fails_collection_and_the_build_configuration(docs) -> None:
    write_page(docs, "'''python\n--8<-- \"no/such/file.py\"\n'''\n")
    result = run(docs)
    assert result.ret == pytest.ExitCode.INTERRUPTED  # a collection error
    result.stdout.fnmatch_lines(["*page.md:2: snippet file 'no/such/file.py' not found*"])
    with pytest.raises(SnippetMissingError):  # the same configuration mkdocs builds with
        snippets_preprocessor().run(['--8<-- "no/such/file.py"'])


def test_a_skip_needs_a_reason_and_the_reason_shows_in_the_summary(docs) -> None:
    write_page(docs, "<!-- skip: next -->\n'''python\nraise SystemExit\n'''\n")
    run(docs).stdout.fnmatch_lines(['*page.md:1: write a skip as <!-- skip: next "the reason"*'])
    write_page(docs, "<!-- skip: next \"needs a GPU\" -->\n'''python\nraise SystemExit\n'''\n")
    result = run(docs)
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED*page.md:2: needs a GPU"])


def test_an_unknown_block_language_is_an_error_not_a_silent_pass(docs) -> None:
    write_page(docs, "'''pyhton\nprint(1)\n'''\n")
    result = run(docs)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*page.md:1: unknown block language 'pyhton'*"])


@pytest.mark.parametrize(
    "order", [["-p", "no:randomly"], ["-p", "randomly", "-p", "xdist", "-n", "2"]]
)
def test_blocks_of_a_page_see_each_other_in_any_test_order(docs, order: list[str]) -> None:
    write_page(
        docs,
        "".join(f"'''python\nx{i} = {'x' + str(i - 1) if i else 0} + 1\n'''\n\n" for i in range(8))
        + "'''python\nprint(x7)\n'''\n\n'''text title=\"Output\"\n8\n'''\n",
    )
    result = docs.runpytest_subprocess("-p", "no:cacheprovider", *order)
    result.assert_outcomes(passed=9)
