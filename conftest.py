"""pytest set-up for the handbook: every Markdown page under docs/ is a test file (via sybil)."""

import os
import time

import pytest
from sybil import Sybil

from tests import harness

# Deterministic runs whatever the caller's environment: fixed time zone for every page.
os.environ["TZ"] = "UTC"
time.tzset()

pytest_collect_file = Sybil(
    parsers=[harness.parse_page],
    path="docs",
    patterns=["*.md"],
    excludes=["assets/*"],
).pytest()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite the outputs shown on the pages from what the code really prints",
    )


def pytest_configure(config: pytest.Config) -> None:
    harness.SETTINGS["update"] = config.getoption("--update-outputs")


def pytest_sessionfinish(session: pytest.Session) -> None:
    harness.remove_page_directories()
    if harness.SETTINGS["update"]:
        for path in harness.apply_updates():
            print(f"\nupdated the outputs shown in {harness.shown_path(path)}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the block counts measured by the coverage guard (tests/test_site.py)."""
    for report in terminalreporter.stats.get("passed", []):
        for name, value in getattr(report, "user_properties", []):
            if name == "block_coverage":
                terminalreporter.write_sep("-", "code blocks in the built site")
                terminalreporter.write_line(value)
