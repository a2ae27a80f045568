"""Fill `TicketSearch` for the tickets that existed before word search (the same text as
`tickets.search.search_texts`, built here from the historical models)."""

from django.db import migrations


def _person(user) -> str:
    return " ".join(part for part in (user.first_name, user.last_name, user.username, user.email) if part)


def backfill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    Comment = apps.get_model("tickets", "Comment")
    TicketSearch = apps.get_model("tickets", "TicketSearch")
    rows = []
    for ticket in Ticket.objects.select_related("organization", "requester").iterator():
        public, internal = [ticket.title, ticket.description, ticket.organization.name, _person(ticket.requester)], []
        for comment in Comment.objects.filter(ticket_id=ticket.pk).order_by("created_at", "id"):
            (internal if comment.is_internal else public).append(comment.body)
        rows.append(TicketSearch(ticket_id=ticket.pk, public_text="\n".join(public), internal_text="\n".join(internal)))
        if len(rows) >= 1000:
            TicketSearch.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    TicketSearch.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0007_search_indexes")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
