"""README's "Architecture: where each rule lives": every function it names exists where it says."""

import importlib
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def _table() -> list[tuple[str, list[str]]]:
    text = README.read_text()
    section = text.split("## Architecture: where each rule lives", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| ") or line.startswith("| rule ") or line.startswith("|---"):
            continue
        rule, where = (cell.strip() for cell in line.strip("|").split("|"))
        rows.append((rule, re.findall(r"`([a-z_]+(?:\.[a-z_]+)+)`", where)))
    return rows


def _resolve(dotted: str):
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name)
        return target
    raise ModuleNotFoundError(dotted)


def test_the_section_lists_the_rules():
    rows = _table()
    assert len(rows) >= 15
    assert all(names for _, names in rows), [rule for rule, names in rows if not names]


@pytest.mark.parametrize("name", sorted({name for _, names in _table() for name in names}))
def test_every_named_function_exists(name):
    assert callable(_resolve(name)), name
