"""Billing exports (domain.md §8): every line not yet exported goes into one numbered batch.

A line belongs to at most one batch: the export locks the unexported lines and marks them in one
transaction, so two exports at once split nothing and bill nothing twice (the second one finds
no line left: "nothing to export", 409 in the API). A batch can be downloaded again — CSV for
Brazilian spreadsheets (UTF-8 with BOM, `;`, decimal comma, dd/mm/aaaa) or XLSX — but its
lines never go into another batch.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import User
from servicedesk.advisory.models import BillingBatch, BillingLine
from servicedesk.advisory.money import brl, decimal_comma
from servicedesk.core.errors import Conflict, NotAllowed
from servicedesk.tickets.history import event_record_many
from servicedesk.tickets.models import EventKind, TicketEvent

BILLING_STAFF_ONLY = gettext_noop("Somente a equipe comercial e os administradores exportam o faturamento.")
NOTHING_TO_EXPORT = gettext_noop("Não há linhas de faturamento a exportar: todas já estão em um lote.")

COLUMNS = (
    "Lote",
    "Linha",
    "Data",
    "Cliente",
    "Chamado",
    "Relatório (versão)",
    "Analista",
    "Descrição",
    "Minutos trabalhados",
    "Minutos faturáveis",
    "Horas faturáveis",
    "Valor unitário (R$)",
    "Valor (R$)",
)
CHUNK = 2000


def _require_bill(actor: User) -> None:
    if not permissions.can(actor, "advisory.bill"):
        raise NotAllowed(BILLING_STAFF_ONLY)


def billing_export_create(*, actor: User, now: datetime) -> BillingBatch:
    """Put every unexported line into a new numbered batch; refuse (Conflict) if there is none."""
    _require_bill(actor)
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _export(actor=actor, now=now)
        except IntegrityError:  # two exports took the same number at once: take the next one
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _export(*, actor: User, now: datetime) -> BillingBatch:
    rows = list(
        BillingLine.objects.select_for_update()
        .filter(batch__isnull=True)
        .order_by("pk")
        .values_list("pk", "amount", "report_id", "ticket_id")
    )
    if not rows:
        raise Conflict(NOTHING_TO_EXPORT)
    number = (BillingBatch.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    total = sum((Decimal(amount) for _, amount, _, _ in rows), Decimal("0"))
    batch = BillingBatch.objects.create(
        number=number, created_by=actor, created_at=now, line_count=len(rows), total=brl(total)
    )
    ids = [pk for pk, _, _, _ in rows]
    for start in range(0, len(ids), CHUNK):
        BillingLine.objects.filter(pk__in=ids[start : start + CHUNK], batch__isnull=True).update(batch=batch)
    # One history event per report (its ticket): "Assessoria enviada para faturamento".
    reports = {report_id: ticket_id for _, _, report_id, ticket_id in rows}
    event_record_many(
        [
            TicketEvent(
                ticket_id=ticket_id,
                kind=EventKind.BILLING_EXPORTED,
                actor=actor,
                at=now,
                public=True,
                data={"batch_number": number, "batch_id": batch.pk, "report_id": report_id},
            )
            for report_id, ticket_id in reports.items()
        ],
        notify=True,
    )
    return batch


def batch_lines(batch: BillingBatch):
    return (
        BillingLine.objects.filter(batch=batch)
        .select_related("organization", "report")
        .order_by("pk")
        .only(
            "pk",
            "date",
            "ticket_id",
            "analyst_name",
            "description",
            "minutes",
            "billable_minutes",
            "unit_price",
            "amount",
            "organization__name",
            "report__version",
        )
    )


def _hours(minutes: int) -> Decimal:
    return brl(Decimal(minutes) / Decimal(60))


def batch_csv(batch: BillingBatch) -> bytes:
    """The batch for Brazilian spreadsheets: UTF-8 with BOM, `;`, decimal comma, dd/mm/aaaa."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for line in batch_lines(batch).iterator(chunk_size=CHUNK):
        writer.writerow(
            (
                batch.number,
                line.pk,
                f"{line.date:%d/%m/%Y}",
                line.organization.name,
                line.ticket_id,
                line.report.version,
                line.analyst_name,
                line.description,
                line.minutes,
                line.billable_minutes,
                decimal_comma(_hours(line.billable_minutes)),
                decimal_comma(line.unit_price),
                decimal_comma(line.amount),
            )
        )
    writer.writerow(("Total", "", "", "", "", "", "", "", "", "", "", "", decimal_comma(batch.total)))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def batch_xlsx(batch: BillingBatch) -> bytes:
    """The same batch as an Excel workbook (numbers as numbers, dates as dates). openpyxl."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"Lote {batch.number}")
    sheet.column_dimensions["D"].width = 32
    sheet.column_dimensions["H"].width = 48
    bold = Font(bold=True)
    heading = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    money, day, hours = "#,##0.00", "DD/MM/YYYY", "0.00"

    def cell(value, number_format=None):
        c = WriteOnlyCell(sheet, value=value)
        if number_format:
            c.number_format = number_format
        return c

    for line in batch_lines(batch).iterator(chunk_size=CHUNK):
        sheet.append(
            [
                batch.number,
                line.pk,
                cell(line.date, day),
                line.organization.name,
                line.ticket_id,
                line.report.version,
                line.analyst_name,
                line.description,
                line.minutes,
                line.billable_minutes,
                cell(_hours(line.billable_minutes), hours),
                cell(line.unit_price, money),
                cell(line.amount, money),
            ]
        )
    total = cell(batch.total, money)
    total.font = bold
    sheet.append([cell("Total")] + [None] * 11 + [total])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
