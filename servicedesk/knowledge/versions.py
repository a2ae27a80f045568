"""The difference between two versions of an article (the console's "comparar versões").

difflib over lines; the result is data (kind, old line number, new line number, text) that the
template escapes like any other text, so a version holding `<script>` shows it as text."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from servicedesk.core.errors import NotFound
from servicedesk.knowledge.models import Article, ArticleVersion

VERSION_NOT_FOUND = gettext_noop("Versão não encontrada.")
MAX_DIFF_LINES = 5000


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "equal", "insert", "delete"
    old_number: int | None
    new_number: int | None
    text: str


@dataclass(frozen=True)
class VersionDiff:
    old: ArticleVersion
    new: ArticleVersion
    title_changed: bool
    lines: list[DiffLine]
    added: int
    removed: int


def article_version_get(article: Article, number) -> ArticleVersion:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound(VERSION_NOT_FOUND) from None
    if not 0 < number < 2**31:
        raise NotFound(VERSION_NOT_FOUND)
    version = article.versions.select_related("editor").filter(number=number).first()
    if version is None:
        raise NotFound(VERSION_NOT_FOUND)
    return version


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """Every line of both texts, in order, marked equal / delete / insert (a unified view)."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [DiffLine("equal", i1 + k + 1, j1 + k + 1, a[i1 + k]) for k in range(i2 - i1)]
            continue
        lines += [DiffLine("delete", i + 1, None, a[i]) for i in range(i1, i2)]
        lines += [DiffLine("insert", None, j + 1, b[j]) for j in range(j1, j2)]
    return lines[:MAX_DIFF_LINES]


def article_version_diff(article: Article, old_number, new_number) -> VersionDiff:
    old, new = article_version_get(article, old_number), article_version_get(article, new_number)
    lines = diff_lines(old.body, new.body)
    return VersionDiff(
        old=old,
        new=new,
        title_changed=old.title != new.title,
        lines=lines,
        added=sum(line.kind == "insert" for line in lines),
        removed=sum(line.kind == "delete" for line in lines),
    )
