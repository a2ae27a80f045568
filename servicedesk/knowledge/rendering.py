"""Markdown bodies to safe HTML, and to plain text for the search and the snippets.

markdown-it-py (CommonMark) renders with raw HTML off (an author's `<script>` stays text), then nh3
(Ammonia) sanitises the result anyway: only formatting tags survive, links are http(s)/mailto with
`rel="noopener noreferrer nofollow"`, so a stored body can never run script in a reader's page.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = frozenset(
    [
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ]
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Images only from the knowledge base's own access-checked image URL (portal
# `knowledge:image`): an external image would leak the reader's visit (and the CSP blocks it).
IMAGE_PATH = "/base-de-conhecimento/imagens/"
_OWN_IMAGE = re.compile(r"^" + re.escape(IMAGE_PATH) + r"[1-9][0-9]{0,18}/$")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _OWN_IMAGE.match(value):
        return None
    return value


def markdown_html(body: str) -> str:
    """The sanitised HTML of a Markdown body (a str the caller may mark safe)."""
    return nh3.clean(
        _markdown.render(body),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_attribute_filter,
    )


def plain_text(body: str) -> str:
    """The words a reader sees in the body (no Markdown syntax, no link addresses)."""
    text = nh3.clean(_markdown.render(body), tags=set())
    return " ".join(html.unescape(text).split())
