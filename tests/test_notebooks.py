"""Every notebook page runs from top to bottom, in a directory of its own."""

from pathlib import Path

import jupytext
import nbclient
import pytest

from tests.harness import DOCS, shown_path

NOTEBOOKS = sorted(DOCS.rglob("*.nb.py"))


def execute(notebook: Path, directory: Path):
    """Run every cell; a raising cell fails with nbclient's message: the cell and its traceback."""
    nb = jupytext.read(notebook)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(directory)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        pytest.fail(f"{shown_path(notebook)}: a cell raised\n{error}", pytrace=False)
    return nb


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[shown_path(n) for n in NOTEBOOKS])
def test_notebook_runs_without_error(notebook: Path, tmp_path: Path) -> None:
    nb = execute(notebook, tmp_path)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code_cells, f"{shown_path(notebook)} has no code cell"
    assert all(cell.execution_count for cell in code_cells)


def test_a_raising_cell_fails_showing_the_cell(tmp_path: Path) -> None:
    notebook = tmp_path / "broken.nb.py"
    notebook.write_text("# %%\nrides = 3\n\n# %%\nrides / 0\n")
    with pytest.raises(pytest.fail.Exception) as failure:
        execute(notebook, tmp_path)
    assert "broken.nb.py: a cell raised" in str(failure.value)
    assert "rides / 0" in str(failure.value)
    assert "ZeroDivisionError" in str(failure.value)


def test_there_is_a_notebook_to_run() -> None:
    assert NOTEBOOKS, "no *.nb.py notebook page under docs/"
