"""The house's sizes: no module of qunfang/ or benchmarks/ over 600 lines, no function over 80, so that
each file and each function can be read whole. Migrations are written by Django; declarative data (tables of
columns, seeds) may run longer, each with its reason below."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80

# Functions that are declarative data rather than steps, with why each may be longer.
LONG_ON_PURPOSE: dict[str, str] = {}


def modules() -> list[Path]:
    found = []
    for path in sorted([*PACKAGE.rglob("*.py"), *(PACKAGE.parent / "benchmarks").glob("*.py")]):
        if "migrations" not in path.relative_to(PACKAGE.parent).parts:
            found.append(path)
    return found


def name_of(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def functions(tree: ast.AST):
    """Each function with its qualified name (Class.method, outer.inner)."""

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield f"{prefix}{child.name}", child
                yield from walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def test_the_walk_finds_the_package():
    assert len(modules()) > 100
    assert not any(name_of(path).startswith("qunfang/test.py") for path in modules())


def test_no_module_is_over_600_lines():
    long = {}
    for path in modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_FILE_LINES:
            long[name_of(path)] = lines
    assert long == {}


def test_no_function_is_over_80_lines():
    long = {}
    for path in modules():
        for name, node in functions(ast.parse(path.read_text(encoding="utf-8"))):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines = node.end_lineno - first + 1
            where = f"{name_of(path)}:{name}"
            if lines > MAX_FUNCTION_LINES and where not in LONG_ON_PURPOSE:
                long[where] = lines
    assert long == {}


def test_every_long_one_on_purpose_is_still_there_and_says_why():
    for where, why in LONG_ON_PURPOSE.items():
        path, _, name = where.partition(":")
        found = dict(functions(ast.parse((PACKAGE.parent / path).read_text(encoding="utf-8"))))
        assert name in found, where
        assert why.strip(), where
