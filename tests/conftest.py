"""Shared fixtures: the real package, and a tiny valid package to break copies of."""

from __future__ import annotations

import csv
import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Nothing under test may reach the network."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


class TinyPackage:
    """A copy of the real descriptor and schemas with the tiny fixture's rows and texts."""

    def __init__(self, root: Path):
        self.root = root
        self.sources = root / "sources"
        root.mkdir(parents=True)
        shutil.copy(ROOT / "datapackage.json", root / "datapackage.json")
        shutil.copytree(ROOT / "schemas", root / "schemas")
        shutil.copytree(TINY / "data", root / "data")
        shutil.copytree(TINY / "sources", self.sources)

    def path(self, name: str) -> Path:
        return self.root / name

    def rows(self, file: str) -> list[dict]:
        with open(self.path(file), encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def write_rows(self, file: str, rows: list[dict]) -> None:
        with open(self.path(file), encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        with open(self.path(file), "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def set_cell(self, file: str, row: int, field: str, value: str) -> None:
        """Set a cell; `row` is the 1-based data row, as problems report it."""
        rows = self.rows(file)
        rows[row - 1][field] = value
        self.write_rows(file, rows)

    def add_row(self, file: str, **values: str) -> None:
        self.write_rows(file, [*self.rows(file), values])

    def drop_rows(self, file: str, keep) -> None:
        self.write_rows(file, [r for r in self.rows(file) if keep(r)])

    def edit_text(self, file: str, old: str, new: str) -> None:
        path = self.path(file)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory):
    """One build of the shipped package, through the CLI: what it printed, and its folder."""
    from typer.testing import CliRunner

    from cnru.cli import app

    out = tmp_path_factory.mktemp("shipped") / "build"
    result = CliRunner().invoke(app, ["build", str(ROOT), "--out", str(out),
                                      "--sources-dir", str(SOURCES)])
    assert result.exit_code == 0, result.output
    return result, out


@pytest.fixture(scope="session")
def built(shipped_build) -> Path:
    """The one build of the shipped package, for every test that only reads it (a module that
    changes its build makes its own)."""
    return shipped_build[1]


@pytest.fixture
def tiny(tmp_path) -> TinyPackage:
    return TinyPackage(tmp_path / "tiny")
