"""Word-search indexes of `TicketSearch` (tickets.search), one per database:

* SQLite: an FTS5 table `tickets_search_fts` (columns public, internal; accents folded by the
  unicode61 tokenizer) kept in step with `tickets_ticketsearch` by triggers; rowid = ticket id.
* PostgreSQL: a text search configuration `servicedesk_pt` (the Portuguese stemmer after
  `unaccent`) and GIN indexes on the two documents a query can use (customers: public text;
  staff: public + internal).
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS tickets_search_fts USING fts5(
        public, internal, tokenize = 'unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS tickets_search_ai AFTER INSERT ON tickets_ticketsearch BEGIN
        INSERT INTO tickets_search_fts(rowid, public, internal)
        VALUES (new.ticket_id, new.public_text, new.internal_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS tickets_search_au AFTER UPDATE ON tickets_ticketsearch BEGIN
        DELETE FROM tickets_search_fts WHERE rowid = old.ticket_id;
        INSERT INTO tickets_search_fts(rowid, public, internal)
        VALUES (new.ticket_id, new.public_text, new.internal_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS tickets_search_ad AFTER DELETE ON tickets_ticketsearch BEGIN
        DELETE FROM tickets_search_fts WHERE rowid = old.ticket_id;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS tickets_search_ai",
    "DROP TRIGGER IF EXISTS tickets_search_au",
    "DROP TRIGGER IF EXISTS tickets_search_ad",
    "DROP TABLE IF EXISTS tickets_search_fts",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'servicedesk_pt') THEN
            CREATE TEXT SEARCH CONFIGURATION servicedesk_pt (COPY = portuguese);
            ALTER TEXT SEARCH CONFIGURATION servicedesk_pt
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, portuguese_stem;
        END IF;
    END $$""",
    """CREATE INDEX IF NOT EXISTS ticketsearch_public_fts_idx ON tickets_ticketsearch
        USING gin (to_tsvector('servicedesk_pt'::regconfig, public_text))""",
    """CREATE INDEX IF NOT EXISTS ticketsearch_all_fts_idx ON tickets_ticketsearch
        USING gin (to_tsvector('servicedesk_pt'::regconfig, public_text || ' ' || internal_text))""",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS ticketsearch_public_fts_idx",
    "DROP INDEX IF EXISTS ticketsearch_all_fts_idx",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS servicedesk_pt",
]


def create(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_ticket_search")]
    operations = [migrations.RunPython(create, drop)]
