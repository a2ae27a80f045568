"""``python -m servicedesk <group> <command> ...`` — Django-free command-line tools.

Commands: ``sla simulate FILE|-``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

_USAGE = "uso: python -m servicedesk sla simulate ARQUIVO|-"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] == ["sla", "simulate"]:
        from servicedesk.sla.cli import main as simulate_main

        return simulate_main(args[2:])
    print(_USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
