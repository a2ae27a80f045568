"""The words an article is found by: ONE normaliser and stemmer for the documents and the queries
(pure Python, no Django), so SQLite and PostgreSQL index and look up the same tokens and agree.

`terms(text)`: lower-case, accents removed ("férias" and "ferias" are one word), the Portuguese
plurals the stock Snowball stemmer misses folded to their singular (-ões/-ães/-ãos → -ão,
-ais → -al, -eis → -el, -ns → -m), then the Snowball Portuguese stemmer (verb forms and the
regular plurals: "calcular", "calculando", "cálculos" → "calcul"). A few function words
("de", "como", "para"…) are dropped, from documents and queries alike, so "como calcular férias"
asks for two words, not four.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+")
MAX_QUERY_TERMS = 8

# Written without accents: they are compared after the accents are removed.
STOPWORDS = frozenset(
    [
        "a",
        "o",
        "as",
        "os",
        "um",
        "uma",
        "uns",
        "umas",
        "de",
        "do",
        "da",
        "dos",
        "das",
        "d",
        "em",
        "no",
        "na",
        "nos",
        "nas",
        "num",
        "numa",
        "por",
        "pelo",
        "pela",
        "pelos",
        "pelas",
        "para",
        "pra",
        "pro",
        "com",
        "sem",
        "e",
        "ou",
        "que",
        "se",
        "como",
        "ao",
        "aos",
        "me",
        "te",
        "lhe",
        "eu",
        "voce",
        "ele",
        "ela",
        "nos",
        "eles",
        "elas",
        "meu",
        "minha",
        "meus",
        "minhas",
        "seu",
        "sua",
        "seus",
        "suas",
        "isso",
        "isto",
        "este",
        "esta",
        "esse",
        "essa",
        "qual",
        "quando",
        "onde",
        "ja",
        "mais",
        "muito",
        "ser",
        "sao",
        "foi",
        "ha",
        "tem",
    ]
)
# (suffix, replacement, shortest word it applies to), tried in order; only the first that fits.
_PLURALS = (
    ("oes", "ao", 4),  # configurações → configuracao, impressões → impressao
    ("aes", "ao", 4),  # pães, capitães
    ("aos", "ao", 4),  # cidadãos
    ("ais", "al", 6),  # fiscais → fiscal, manuais → manual ("pais" stays)
    ("eis", "el", 6),  # papéis → papel, possíveis → possivel
    ("ns", "m", 5),  # itens → item
)

_stemmer = snowballstemmer.stemmer("portuguese")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold_plural(word: str) -> str:
    for suffix, replacement, shortest in _PLURALS:
        if len(word) >= shortest and word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    return word


@lru_cache(maxsize=65536)
def term(word: str) -> str | None:
    """The token of one word, or None for a function word."""
    word = strip_accents(word.lower())
    if word in STOPWORDS or not word:
        return None
    if word.isdigit():
        return word
    return _stemmer.stemWord(fold_plural(word))


def words(text: str) -> Iterator[re.Match]:
    return WORD.finditer(text)


def terms(text: str) -> list[str]:
    """Every token of `text`, in order (duplicates kept: they weigh in the rank)."""
    return [token for match in words(text) if (token := term(match.group()))]


def query_terms(query: str) -> list[str]:
    """The distinct tokens of a query, in order, at most MAX_QUERY_TERMS (every one must match)."""
    seen: dict[str, None] = {}
    for token in terms(query.replace("\x00", "")):
        seen.setdefault(token, None)
    return list(seen)[:MAX_QUERY_TERMS]


def snippet(text: str, wanted: set[str], *, width: int = 30, before: int = 8) -> str:
    """Escaped HTML: about `width` words of `text` around its first wanted word, each wanted word
    in <mark>; the beginning of the text when no word matches."""
    found = list(words(text))
    first = next((i for i, m in enumerate(found) if term(m.group()) in wanted), None)
    start = 0 if first is None else max(0, first - before)
    window = found[start : start + width]
    if not window:
        return ""
    parts = ["… "] if start else []
    position = window[0].start()
    # Only the wanted words are cut out; the text between them is escaped in one piece.
    for match in window:
        if term(match.group()) in wanted:
            parts.append(html.escape(text[position : match.start()]))
            parts.append(f"<mark>{html.escape(match.group())}</mark>")
            position = match.end()
    if start + width < len(found):
        parts.append(html.escape(text[position : window[-1].end()]))
        parts.append(" …")
    else:
        parts.append(html.escape(text[position:]))
    return " ".join("".join(parts).split())


def highlight(text: str, wanted: set[str]) -> str:
    """Escaped HTML of the whole `text` with the wanted words in <mark>."""
    parts, position = [], 0
    for match in words(text):
        parts.append(html.escape(text[position : match.start()]))
        escaped = html.escape(match.group())
        parts.append(f"<mark>{escaped}</mark>" if term(match.group()) in wanted else escaped)
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts)
