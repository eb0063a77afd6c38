"""pytest set-up for the handbook: every Markdown page under docs/ is a test file (via sybil)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock
from sybil import Sybil

from tests import harness

# Deterministic runs whatever the caller's environment: fixed time zone for every page, and one
# OpenMP thread per process (scikit-learn's spinning threads otherwise fight the xdist workers).
os.environ["TZ"] = "UTC"
time.tzset()
os.environ.setdefault("OMP_NUM_THREADS", "1")

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
    if not hasattr(config, "workerinput") and "DATABASE_URL" not in os.environ:
        # One throwaway PostgreSQL server for the whole run: pages reach it through DATABASE_URL,
        # exactly as they reach a reader's own server, and xdist workers inherit the variable.
        # It is stopped and deleted when this process exits.
        from ridehail.engines import postgres_url

        os.environ["DATABASE_URL"] = postgres_url()


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


def build_site(destination: Path, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HANDBOOK_CACHE": str(cache), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(destination)]
    return subprocess.run(
        command, cwd=harness.ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One strict build per test run, in its temporary directory, shared by every xdist worker."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    site = shared / "site"
    with FileLock(shared / "site.lock"):
        if not (site / "index.html").exists():
            result = build_site(site, shared / "build-cache")
            (shared / "build.log").write_text(result.stderr)
            if result.returncode != 0:
                pytest.fail(f"mkdocs build --strict failed:\n{result.stderr}", pytrace=False)
    return site
