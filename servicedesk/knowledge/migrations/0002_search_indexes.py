"""Word-search indexes of `ArticleSearch` (knowledge.search), one per database. The tokens are
already ours (knowledge.text: accents off, plurals folded, Snowball-stemmed), so neither database
stems them again — that is what makes SQLite and PostgreSQL find the same articles:

* SQLite: an FTS5 table `knowledge_article_fts` (columns title, body; rowid = article id), kept in
  step with `knowledge_articlesearch` by triggers.
* PostgreSQL: a text search configuration `servicedesk_kb` (`simple` after `unaccent`, no
  stemmer, no stop words) and one GIN index on the document (title and body tokens).
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_article_fts USING fts5(
        title, body, tokenize = 'unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_search_ai AFTER INSERT ON knowledge_articlesearch BEGIN
        INSERT INTO knowledge_article_fts(rowid, title, body) VALUES (new.article_id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_search_au AFTER UPDATE ON knowledge_articlesearch BEGIN
        DELETE FROM knowledge_article_fts WHERE rowid = old.article_id;
        INSERT INTO knowledge_article_fts(rowid, title, body) VALUES (new.article_id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER IF NOT EXISTS knowledge_search_ad AFTER DELETE ON knowledge_articlesearch BEGIN
        DELETE FROM knowledge_article_fts WHERE rowid = old.article_id;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS knowledge_search_ai",
    "DROP TRIGGER IF EXISTS knowledge_search_au",
    "DROP TRIGGER IF EXISTS knowledge_search_ad",
    "DROP TABLE IF EXISTS knowledge_article_fts",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'servicedesk_kb') THEN
            CREATE TEXT SEARCH CONFIGURATION servicedesk_kb (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION servicedesk_kb
                ALTER MAPPING FOR asciiword, word, hword, hword_part, asciihword, hword_asciipart
                WITH unaccent, simple;
        END IF;
    END $$""",
    """CREATE INDEX IF NOT EXISTS articlesearch_fts_idx ON knowledge_articlesearch
        USING gin (to_tsvector('servicedesk_kb'::regconfig, title_terms || ' ' || body_terms))""",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS articlesearch_fts_idx",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS servicedesk_kb",
]


def create(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
