"""PostgreSQL: a GIN index on the title tokens alone, for the rank's "is it among the title
matches" sets (knowledge.search): computed from the index once per query rather than by
re-reading each match (benchmarks/knowledge.py). SQLite's FTS5 table already indexes the title
column on its own."""

from django.db import migrations

CREATE = """CREATE INDEX IF NOT EXISTS articlesearch_title_fts_idx ON knowledge_articlesearch
    USING gin (to_tsvector('servicedesk_kb'::regconfig, title_terms))"""
DROP = "DROP INDEX IF EXISTS articlesearch_title_fts_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_article_source_ticket_and_images")]
    operations = [migrations.RunPython(create, drop)]
