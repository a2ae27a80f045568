"""The queues' text search is served by trigram indexes on PostgreSQL."""

import pytest
from django.db import connection

from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_title_and_description_searches_use_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_ticket'")
        names = {row[0] for row in cursor.fetchall()}
        assert {"ticket_title_trgm_idx", "ticket_description_trgm_idx"} <= names
        query = Ticket.objects.filter(title__icontains="holerite").order_by().values("pk").query
        sql, params = query.sql_with_params()
        # An empty test table would rather be scanned: leave the planner only bitmap scans, which
        # for LIKE '%term%' exist only through the trigram index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ticket_title_trgm_idx" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only")
def test_the_sqlite_word_index_has_prefix_indexes_and_follows_the_search_rows(world):
    """Every query word is a prefix: FTS5 serves words of 2 to 6 letters from prefix indexes
    (migration 0013), and the triggers still copy each TicketSearch row into it."""
    from servicedesk.tickets.models import TicketSearch

    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'tickets_search_fts'")
        assert "prefix = '2 3 4 5 6'" in cursor.fetchone()[0]
    ticket = world.open_problem(title="Rescisão complementar")
    TicketSearch.objects.filter(ticket_id=ticket.pk).update(public_text="Rescisão complementar de janeiro")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM tickets_search_fts WHERE tickets_search_fts MATCH ?", ['"resc"* AND "jan"*'])
        assert [row[0] for row in cursor.fetchall()] == [ticket.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stored vectors exist on PostgreSQL only")
def test_postgresql_searches_read_stored_vectors_and_web_queries_run_without_parallel_workers(world):
    """The word search tests each row against a stored, GIN-indexed tsvector (migration 0015):
    computing to_tsvector per row cost 0.12 ms a row when a broad search reads its page in order.
    And the web's connections start no parallel workers (config/settings/base.py)."""
    from servicedesk.tickets.search import ticket_search

    world.open_problem(title="Rescisão complementar")
    tickets = ticket_search(Ticket.objects.all(), query="rescisão", staff=False, in_order=True)
    sql, params = tickets.order_by("-opened_at").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
    assert "public_tsv @@" in plan and "to_tsvector" not in plan
    assert workers == "0"
    assert [t.title for t in tickets] == ["Rescisão complementar"]
