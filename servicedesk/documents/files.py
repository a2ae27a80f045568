"""PURE: the file name a document is stored under and sent with."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
FALLBACK_NAME = "documento"


def safe_filename(name: str | None) -> str:
    """The uploaded name without folders, control characters or line breaks (a header can carry
    it), at most 255 characters; quotes and non-ASCII are quoted by Content-Disposition itself."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", _UNSAFE.sub("", base)).strip().strip(".")
    return base[:255] or FALLBACK_NAME
