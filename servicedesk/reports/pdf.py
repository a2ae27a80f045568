"""The monthly SLA statement as a PDF (fpdf2, the vendored DejaVu fonts), drawn from the
statement's JSON-ready content (`reports.statements.statement`) with the advisory report's page
and table (`advisory.pdf.ReportDocument`, `Grid`)."""

from __future__ import annotations

from datetime import datetime

from servicedesk.advisory.pdf import Grid, ReportDocument
from servicedesk.reports.selectors import BRASILIA

MONTHS = (
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
)
OUTCOME = {"met": "no prazo", "breached": "violado", "pending": "em curso", "": "não conta"}


def month_name(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} de {year}"


def _when(iso: str | None) -> str:
    return "—" if iso is None else f"{datetime.fromisoformat(iso).astimezone(BRASILIA):%d/%m/%Y %H:%M}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"


def _hours(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds / 3600:.1f}".replace(".", ",") + " h"


def _clock(clock: dict) -> str:
    text = f"prazo {_when(clock['due_at'])}"
    if clock["met_at"]:
        text += f"\ncumprido {_when(clock['met_at'])}"
    return f"{text}\n{OUTCOME.get(clock['outcome'], clock['outcome'])}"


def statement_pdf(content: dict) -> bytes:
    organization = content["organization"]
    title = f"Extrato de SLA — {month_name(content['month'])}"
    generated = datetime.fromisoformat(content["generated_at"])
    doc = ReportDocument(
        title, organization["name"], f"gerado em {_when(content['generated_at'])} (horário de Brasília)"
    )
    doc.set_creation_date(generated)
    doc.alias_nb_pages()
    doc.add_page()
    doc.set_font("DejaVu", "B", 12.5)
    doc.multi_cell(0, 6.5, title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 10)
    doc.multi_cell(0, 5.5, f"{organization['name']} · plano {organization['plan']}", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 8.5)
    doc.multi_cell(
        0,
        4.5,
        "Contam somente os chamados de produção. Cada relógio conta no mês em que seu prazo venceu ou, se "
        "cumprido antes, no mês em que foi cumprido; tempos em horas úteis (segunda a sexta, 09h–13h e 14h–18h).",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(2)

    doc.set_font("DejaVu", "B", 10.5)
    doc.cell(0, 6, "Cumprimento por severidade", new_x="LMARGIN", new_y="NEXT")
    grid = Grid(
        doc,
        widths=(36, 18, 18, 22, 22, 18, 18, 28),
        aligns=("L", "R", "R", "R", "R", "R", "R", "R"),
        size=8.5,
        line_height=4.4,
    )
    grid.heading(
        (
            "Severidade",
            "Diag. no prazo",
            "Diag. violados",
            "Diagnóstico",
            "Média diag.",
            "Sol. no prazo",
            "Sol. violadas",
            "Solução",
        )
    )
    compliance = content["compliance"]
    for row in [*compliance["by_severity"], {"severity": "Total", **compliance["total"]}]:
        d, s = row["diagnosis"], row["solution"]
        grid.row(
            (
                row["severity"],
                str(d["met"]),
                str(d["breached"]),
                _pct(d["compliance"]),
                _hours(d["avg_business_seconds"]),
                str(s["met"]),
                str(s["breached"]),
                _pct(s["compliance"]),
            )
        )
    doc.ln(4)

    doc.set_font("DejaVu", "B", 10.5)
    doc.cell(0, 6, "Chamados", new_x="LMARGIN", new_y="NEXT")
    grid = Grid(doc, widths=(14, 52, 24, 33, 33, 24), aligns=("R", "L", "L", "L", "L", "L"), size=7.5, line_height=3.8)
    grid.heading(("Nº", "Título", "Severidade", "Diagnóstico", "Solução", "Ambiente"), repeat=True)
    for ticket in content["tickets"]:
        grid.row(
            (
                str(ticket["number"]),
                f"{ticket['title']}\naberto {_when(ticket['opened_at'])} · {ticket['status']}",
                f"{ticket['type']}\n{ticket['severity']}",
                _clock(ticket["diagnosis"]),
                _clock(ticket["solution"]),
                ticket["environment"],
            )
        )
        for pause in ticket["pauses"]:
            grid.band(
                f"Pausa: {pause['status']} de {_when(pause['started_at'])} a {_when(pause['ended_at'])}"
                f" ({_hours(pause['business_seconds'])} úteis)"
            )
        for change in ticket["reclassifications"]:
            text = (
                f"Reclassificado em {_when(change['at'])}: {change['from_type']} {change['from_severity']} → "
                f"{change['to_type']} {change['to_severity']}. Justificativa: {change['justification']}"
            )
            if change["triggering_fact"]:
                text += f" Fato gerador: {change['triggering_fact']}"
            grid.band(text)
    if not content["tickets"]:
        doc.set_font("DejaVu", "", 9)
        doc.cell(0, 6, "Nenhum chamado neste mês.", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
