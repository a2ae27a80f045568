"""Ascending order with NULLs last, in a form an index serves on both databases.

PostgreSQL's ascending btree already keeps NULLs last, but SQLite's keeps them first, so on
SQLite `ORDER BY x ASC NULLS LAST` cannot read an index on `x`: it sorts every matching row
(the console queue sorted 50,000 open tickets for its 25 rows: 200 ms at 100,000 tickets).
Ordering by the pair (`x IS NULL`, `x`) instead, with an index on the same expressions
(`nulls_last_index`), reads in index order on both databases and stops at the LIMIT.
"""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, F, Q


def is_null(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(Q(**{f"{field}__isnull": True}), output_field=BooleanField())


def nulls_last(*fields: str) -> list:
    """`order_by(*nulls_last("a", "b"))`: a ascending with NULLs last, then b the same way."""
    order = []
    for field in fields:
        order += [is_null(field).asc(), F(field).asc()]
    return order


def nulls_last_index(*fields: str) -> list:
    """The index expressions that serve `nulls_last(*fields)` (append further plain columns as F())."""
    expressions = []
    for field in fields:
        expressions += [is_null(field), F(field)]
    return expressions
