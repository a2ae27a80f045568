"""Word search over tickets, the same for the portal, the console and the API (one selector).

Every word of the query must appear, in any order, accents and case ignored, each as a word
prefix ("hora" finds "horas"), in the ticket's title, description, public messages, organization
or requester; staff also search the internal notes. A number ("123" or "#123") also finds that
ticket, listed first. The text lives in `TicketSearch`, rebuilt from the rows on every save of the
ticket (`search_document_refresh`), and is indexed by SQLite FTS5 in the embedded default and by
PostgreSQL full-text search with the Portuguese stemmer after `unaccent` in production
(migrations 0007, 0013 and 0015). The query never reaches the database as SQL text: it is reduced to words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from servicedesk.tickets.models import Ticket, TicketSearch

_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
MAX_NUMBER_DIGITS = 18  # beyond a bigint it is not a ticket number
# From how many matches a caller asks for `in_order` (measured at 100,000 tickets: 25,000 matches
# 50 → 14 ms for a page; with no match at all the in-order scan would cost 20 ms).
IN_ORDER_FROM = 500


def _person(user) -> str:
    return " ".join(part for part in (user.first_name, user.last_name, user.username, user.email) if part)


def search_texts(
    *, title: str, description: str, organization: str, requester, comments: Iterable[tuple[str, bool]]
) -> tuple[str, str]:
    """(public, internal) text of a ticket; `comments`: (body, is_internal) pairs in order."""
    public, internal = [title, description, organization, _person(requester)], []
    for body, is_internal in comments:
        (internal if is_internal else public).append(body)
    return "\n".join(public), "\n".join(internal)


def search_document_refresh(ticket: Ticket) -> None:
    """Rebuild the ticket's search text from its rows (called by `tickets.services.ticket_save`)."""
    public, internal = search_texts(
        title=ticket.title,
        description=ticket.description,
        organization=ticket.organization.name,
        requester=ticket.requester,
        comments=ticket.comments.order_by("created_at", "id").values_list("body", "is_internal"),
    )
    TicketSearch.objects.update_or_create(
        ticket_id=ticket.pk, defaults={"public_text": public, "internal_text": internal}
    )


def query_words(query: str) -> list[str]:
    """The words of a query (letters and digits), lower-cased, at most MAX_WORDS."""
    return [word.lower() for word in _WORD.findall(query.replace("\x00", ""))][:MAX_WORDS]


def query_number(query: str) -> int | None:
    text = query.strip().removeprefix("#")
    return int(text) if text.isdigit() and len(text) <= MAX_NUMBER_DIGITS else None


# The SQL is constant; only the reduced query travels, as a parameter.
_PG_SQL = {  # stored, GIN-indexed vectors of the two documents (migration 0015)
    True: "SELECT ticket_id FROM tickets_ticketsearch WHERE all_tsv @@ to_tsquery('servicedesk_pt'::regconfig, %s)",
    False: "SELECT ticket_id FROM tickets_ticketsearch WHERE public_tsv @@ to_tsquery('servicedesk_pt'::regconfig, %s)",
}
_SQLITE_SQL = "SELECT rowid FROM tickets_search_fts WHERE tickets_search_fts MATCH %s"


def _fts_expression(words: list[str], *, staff: bool) -> str:
    columns = "{public internal}" if staff else "{public}"
    return f"{columns} : ({' AND '.join(f'"{word}"*' for word in words)})"


def _matching_ids(words: list[str], *, staff: bool) -> RawSQL:
    if connection.vendor == "postgresql":
        return RawSQL(_PG_SQL[staff], [" & ".join(f"{word}:*" for word in words)])  # noqa: S611
    return RawSQL(_SQLITE_SQL, [_fts_expression(words, staff=staff)])  # noqa: S611


class _AnyOfArray(Func):
    """`column = ANY(ARRAY(subquery))` (PostgreSQL): the subquery runs once, first, and its ids
    are then looked up by primary key. `column IN (subquery)` lets the planner, which guesses
    thousands of matches for any word, walk the whole ordered queue instead and test every
    open ticket against the matches (100,000 tickets, "horas extras dezembro", 75 matches: 178 ms
    instead of a few). Not for counting: a count of a broad word stops at its LIMIT when the
    planner joins the matches as they come ("acme", 43,000 matches: 32 ms), where the array
    would first collect them all (45 ms)."""

    arity = 2
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (column, column_params), (subquery, subquery_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"{column} = ANY(ARRAY{subquery})", (*column_params, *subquery_params)


def ticket_search(
    tickets: QuerySet[Ticket],
    *,
    query: str,
    staff: bool,
    in_order: bool = False,
    for_count: bool = False,
    among: Sequence[int] | None = None,
) -> QuerySet[Ticket]:
    """`tickets` narrowed to those `query` finds (see the module docstring). When the query is a
    ticket number the queryset is annotated with `search_rank` (0 for that ticket, 1 for the
    others) for callers that list it first.

    `in_order`: the caller knows the query matches many tickets (it counted them). Both databases
    otherwise start from the matches and sort them all for one page (25,000 tickets of "acme":
    50 ms); compared as `id + 0`, the ticket id no longer drives the plan, so the page is read in
    the order's index and each row tested against the matches, stopping at the LIMIT.

    `for_count`: the same tickets, in the form that counts them fastest under a LIMIT (unsorted).
    On SQLite, `id IN (matches)` first copies every match of a broad word into a temporary index
    (50,000 tickets of "acme": 10 ms to count the first 1,001); joined to the FTS5 table instead,
    the matches drive the loop and the count stops at its LIMIT (0.3 ms). A sorted page would
    then sort every match, hence only for counting; not for a ticket number (an OR with it).

    `among`: the ids this same search already found (`search_count`, when they are few): the
    page is then read by primary key, without evaluating the words a second time (PostgreSQL
    spends some 10 ms on the index for "horas extras dezembro" at 100,000 tickets, each time)."""
    words, number = query_words(query), query_number(query)
    if not words:
        return tickets
    if for_count and number is None and connection.vendor == "sqlite":
        # Constant SQL; the reduced query travels as a parameter.
        return tickets.extra(
            tables=["tickets_search_fts"],
            where=['tickets_search_fts.rowid = "tickets_ticket"."id"', "tickets_search_fts MATCH %s"],
            params=[_fts_expression(words, staff=staff)],
        )
    if among is not None:
        found = Q(pk__in=list(among))
    elif in_order:
        tickets = tickets.alias(search_scan_id=F("pk") + 0)
        found = Q(search_scan_id__in=_matching_ids(words, staff=staff))
    elif connection.vendor == "postgresql" and not for_count:
        found = Q(_AnyOfArray(F("pk"), _matching_ids(words, staff=staff)))
    else:
        found = Q(pk__in=_matching_ids(words, staff=staff))
    if number is None:
        return tickets.filter(found)
    return tickets.filter(found | Q(pk=number)).annotate(
        search_rank=Case(When(pk=number, then=Value(0)), default=Value(1), output_field=IntegerField())
    )


@dataclass(frozen=True)
class SearchCount:
    """What a page of search results needs to know before it reads its rows (`search_count`)."""

    total: int  # exact up to the cap, cap + 1 beyond ("mais de …")
    among: list[int] | None  # the matches themselves, when few: `ticket_search(among=…)`
    many: bool  # more than IN_ORDER_FROM: `ticket_search(in_order=True)`


def search_count(counted: QuerySet[Ticket], *, cap: int) -> SearchCount:
    """Count the matches of `counted` (a `for_count=True` search with its filters) up to `cap` + 1,
    as ids, as cheaply as counting them under the same LIMIT: a few are then the page's candidates,
    read by key without evaluating the words again; many are read in the order's index."""
    found = list(counted.order_by().values_list("pk", flat=True)[: cap + 1])
    many = len(found) > IN_ORDER_FROM
    return SearchCount(total=len(found), among=None if many else found, many=many)
