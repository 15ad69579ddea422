"""docs/architecture.md is the map a newcomer reads first: every file, folder and code name it writes
must still be there, and it stays a map (under 150 lines), not an inventory."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
PATH = re.compile(r"(?<![\w.])((?:[\w-]+/)*[\w-]+(?:\.py|\.sh|\.txt|\.md|/))(?![\w/])")
CODE = re.compile(r"`([^`]+)`")
NAME = re.compile(r"^@?([A-Za-z_]\w*)(?:\(.*\))?$")


def _exists(path: str) -> bool:
    """A path from the top or from qunfang/ (core/access.py); a bare name (views.py, a room every app
    has; lock.sh under scripts/) somewhere in the project's own folders."""
    if "/" in path.rstrip("/"):
        return any((base / path).exists() for base in (ROOT, ROOT / "qunfang"))
    own = ("qunfang", "scripts", "benchmarks", "requirements", "docs")
    return any((ROOT / path).exists() or any((ROOT / top).rglob(path.rstrip("/"))) for top in own)


def test_every_path_it_names_is_there():
    text = DOC.read_text()
    missing = sorted({p for p in PATH.findall(text) if "<" not in p and not _exists(p)})
    assert not missing, f"docs/architecture.md names what is gone: {missing}"


def test_every_code_name_it_names_is_defined():
    sources = "\n".join(p.read_text() for p in (ROOT / "qunfang").rglob("*.py"))
    missing = []
    prose = re.sub(r"```.*?```", "", DOC.read_text(), flags=re.S)  # the map's block holds no code names
    for code in CODE.findall(prose):
        match = NAME.match(code.strip())
        name = match.group(1) if match else ""
        # names with an underscore are the project's own (place_for, background_task, visible_to)
        if "_" in name.strip("_") and not re.search(
            rf"^\s*(?:def|class)\s+{name}\b|^\s*{name}\s*[:=]", sources, re.M
        ):
            missing.append(name)
    assert not missing, f"docs/architecture.md names code that is gone: {missing}"


def test_it_is_a_map_not_an_inventory():
    assert len(DOC.read_text().splitlines()) < 150
