"""Every module reads the time through `clock.now()` (the module attribute): a module that bound
`now` at import (`from servicedesk.core.clock import now`) would keep the real clock when a test
freezes `servicedesk.core.clock.now`, and its rule would go untested at the frozen instant."""

from __future__ import annotations

import ast
from pathlib import Path

import servicedesk

ROOT = Path(servicedesk.__file__).resolve().parent


def _bound_lines(source: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        and node.module == "servicedesk.core.clock"
        and any(alias.name == "now" for alias in node.names)
    ]


def test_no_module_binds_the_clock_at_import():
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in sorted(ROOT.rglob("*.py"))
        for line in _bound_lines(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use `from servicedesk.core import clock` and `clock.now()`: " + ", ".join(offenders)


def test_the_check_sees_a_bound_clock():
    assert _bound_lines("import os\nfrom servicedesk.core.clock import now as clock_now\n") == [2]
    assert _bound_lines("from servicedesk.core.clock import now\n") == [1]
    assert _bound_lines("from servicedesk.core import clock\nclock.now()\n") == []
