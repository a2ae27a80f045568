"""`make lint` (messages): every string the code and templates mark for translation has an English
translation in locale/en/LC_MESSAGES/django.po, none of them fuzzy.

    .venv/bin/python scripts/check_messages.py

It extracts the strings as `manage.py makemessages -l en` does (keeping the template, django.pot),
puts the committed catalogue back exactly as it was, and compares the two with GNU gettext's
`msgcmp`, which counts an untranslated or fuzzy entry as missing. Without GNU gettext it says so
and exits 0 (the Makefile installs it where it can, as it does Chromium for the browser tests).
To fix a failure: `manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=benchmarks`,
translate the new entries, `manage.py compilemessages`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
TEMPLATE = ROOT / "locale" / "django.pot"
IGNORED = (".venv", "var", "benchmarks", "test-artifacts")
SHOWN = 20
PROBLEM = re.compile(r"^.*django\.pot:(\d+): this message (?:is used but not defined|needs to be reviewed)", re.M)


def _missing_msgids(report: str, template: Path) -> list[str]:
    """The msgids msgcmp names by a line of their entry in the template (its msgstr; a msgid may
    span several lines)."""
    lines = template.read_text(encoding="utf-8").splitlines()
    found = []
    for match in PROBLEM.finditer(report):
        index = int(match.group(1)) - 1
        while index > 0 and not lines[index].startswith("msgid "):
            index -= 1
        parts = [lines[index].removeprefix("msgid ").strip('"')]
        while index + 1 < len(lines) and lines[index + 1].startswith('"'):
            index += 1
            parts.append(lines[index].strip('"'))
        found.append("".join(parts))
    return found


def main() -> int:
    msgcmp = shutil.which("msgcmp")
    if not (shutil.which("xgettext") and msgcmp):
        print("check_messages: GNU gettext (xgettext, msgcmp) not found: translations not checked.")
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        saved = Path(scratch) / "committed.po"
        extracted = Path(scratch) / "django.pot"
        shutil.copy2(CATALOGUE, saved)
        try:
            ignores = [f"--ignore={name}" for name in IGNORED]
            subprocess.run(  # noqa: S603 (fixed argv)
                [sys.executable, "manage.py", "makemessages", "-l", "en", "--keep-pot", "-v0", *ignores],
                cwd=ROOT,
                check=True,
            )
            shutil.copy2(TEMPLATE, extracted)
        finally:
            shutil.copy2(saved, CATALOGUE)
            TEMPLATE.unlink(missing_ok=True)
        result = subprocess.run([msgcmp, str(CATALOGUE), str(extracted)], capture_output=True, text=True)  # noqa: S603
        missing = _missing_msgids(result.stderr, extracted)
    if result.returncode:
        for msgid in missing[:SHOWN]:
            print(f"  no English translation: {msgid}", file=sys.stderr)
        if len(missing) > SHOWN:
            print(f"  … and {len(missing) - SHOWN} more", file=sys.stderr)
        if not missing:  # an error msgcmp reports otherwise (a malformed catalogue)
            print(result.stderr, end="", file=sys.stderr)
        print(
            f"check_messages: {len(missing)} string(s) without an English translation "
            "(see this script's docstring to fix).",
            file=sys.stderr,
        )
        return 1
    print("check_messages: every marked string has an English translation.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
