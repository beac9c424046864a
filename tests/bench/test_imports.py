"""bench/ stands beside the project: it never imports the tests, and the project never
imports it (the tests may, to check the fast path and to run the scale-out scenarios)."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ["privacyportal", "core", "requests_app", "disputes_app"]


def imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def importing(files: list[Path], package: str) -> set[tuple[str, str]]:
    return {
        (str(path.relative_to(ROOT)), module)
        for path in files
        for module in imports(path)
        if module == package or module.startswith(f"{package}.")
    }


def test_no_benchmark_imports_the_tests():
    assert importing(sorted((ROOT / "bench").glob("*.py")), "tests") == set()


def test_nothing_in_the_project_imports_the_benchmarks():
    files = sorted(path for package in PROJECT for path in (ROOT / package).rglob("*.py"))

    assert files
    assert importing(files, "bench") == set()
