"""The monthly SLA statement as a PDF (fpdf2, the vendored DejaVu fonts), drawn from the
statement's JSON-ready content (`reports.statements.statement`) with the advisory report's page
and table (`advisory.pdf.ReportDocument`, `Grid`)."""

from __future__ import annotations

from datetime import datetime

from servicedesk.advisory.pdf import Grid, ReportDocument
from servicedesk.core.timefmt import MONTH_NAMES
from servicedesk.reports.selectors import BRASILIA

OUTCOME = {"met": "no prazo", "breached": "violado", "pending": "em curso", "": "não conta"}


def month_name(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTH_NAMES[int(month) - 1]} de {year}"


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


def _section(doc: ReportDocument, title: str) -> None:
    doc.ln(3)
    doc.set_font("DejaVu", "B", 10.5)
    doc.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")


def _empty(doc: ReportDocument, text: str) -> None:
    doc.set_font("DejaVu", "", 9)
    doc.cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")


def _money(value: str) -> str:
    units, cents = value.split(".")
    sign = "-" if units.startswith("-") else ""
    units = units.lstrip("-")
    groups = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    return f"{sign}R$ {'.'.join(groups)},{cents}"


def management_pdf(content: dict) -> bytes:
    """The monthly management report (`reports.management.management_report`) as a PDF."""
    from servicedesk.sla.engine.clocks import PAUSING_ORDER

    title = f"Relatório gerencial de SLA — {month_name(content['month'])}"
    generated = datetime.fromisoformat(content["generated_at"])
    doc = ReportDocument(title, content["scope"], f"gerado em {_when(content['generated_at'])} (horário de Brasília)")
    doc.set_creation_date(generated)
    doc.alias_nb_pages()
    doc.add_page()
    doc.set_font("DejaVu", "B", 12.5)
    doc.multi_cell(0, 6.5, title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 8.5)
    doc.multi_cell(
        0,
        4.5,
        f"Escopo: {content['scope']}. Somente chamados de produção (relógios contratuais); cada relógio conta no "
        "mês em que seu prazo venceu ou, se cumprido antes, no mês em que foi cumprido; horas úteis.",
        new_x="LMARGIN",
        new_y="NEXT",
    )

    _section(doc, "Cumprimento por plano e severidade")
    rows = content["compliance"]["by_plan_severity"]
    if rows:
        grid = Grid(
            doc,
            widths=(22, 20, 17, 17, 18, 18, 17, 17, 18, 18),
            aligns=("L", "L", "R", "R", "R", "R", "R", "R", "R", "R"),
            size=8,
            line_height=4.2,
        )
        grid.heading(
            (
                "Plano",
                "Severidade",
                "Diag. no prazo",
                "Diag. violados",
                "Diag. %",
                "Média diag.",
                "Sol. no prazo",
                "Sol. violadas",
                "Sol. %",
                "Média sol.",
            )
        )
        total = content["compliance"]["total"]
        for row in [*rows, {"plan": "Total", "severity": "", **total}]:
            d, s = row["diagnosis"], row["solution"]
            grid.row(
                (
                    row["plan"],
                    row["severity"],
                    str(d["met"]),
                    str(d["breached"]),
                    _pct(d["compliance"]),
                    _hours(d["avg_business_seconds"]),
                    str(s["met"]),
                    str(s["breached"]),
                    _pct(s["compliance"]),
                    _hours(s["avg_business_seconds"]),
                )
            )
    else:
        _empty(doc, "Nenhum relógio conta neste mês.")

    _section(doc, "Tendência (12 meses)")
    grid = Grid(doc, widths=(40, 40, 40), aligns=("L", "R", "R"), size=8, line_height=4.2)
    grid.heading(("Mês", "Diagnóstico", "Solução"))
    for row in content["trend"]:
        grid.row((month_name(row["month"]), _pct(row["diagnosis"]), _pct(row["solution"])))

    breaches = content["breaches"]
    _section(doc, f"Violações no mês ({breaches['total']})")
    if breaches["listed"]:
        grid = Grid(
            doc, widths=(14, 56, 38, 26, 22, 30), aligns=("R", "L", "L", "L", "L", "L"), size=7.5, line_height=3.8
        )
        grid.heading(("Nº", "Título", "Organização", "Plano · sev.", "Relógio", "Prazo"), repeat=True)
        for b in breaches["listed"]:
            grid.row(
                (
                    str(b["number"]),
                    b["title"],
                    b["organization"],
                    f"{b['plan']}\n{b['severity']}",
                    "diagnóstico" if b["clock"] == "diagnosis" else "solução",
                    _when(b["due_at"]),
                )
            )
        if breaches["total"] > len(breaches["listed"]):
            _empty(doc, f"… e mais {breaches['total'] - len(breaches['listed'])} (veja a fila do console).")
    else:
        _empty(doc, "Nenhuma violação neste mês.")

    backlog = content["backlog"]
    _section(
        doc, f"Backlog agora: {backlog['open']} abertos, {backlog['at_risk']} em risco, {backlog['breached']} violados"
    )
    grid = Grid(doc, widths=(50, 30), aligns=("L", "R"), size=8, line_height=4.2)
    grid.heading(("Idade", "Chamados"))
    for age in backlog["ages"]:
        grid.row((age["label"], str(age["count"])))

    _section(doc, "Tempo pausado por status (relógios de solução contados no mês)")
    if content["paused"]:
        grid = Grid(
            doc,
            widths=(22, 22, 18, 26, 22, 24, 26, 22),
            aligns=("L", "L", "R", "R", "R", "R", "R", "R"),
            size=7.5,
            line_height=3.8,
        )
        grid.heading(("Plano", "Severidade", "Relógios", *PAUSING_ORDER, "Total"))
        for row in content["paused"]:
            seconds = [row["seconds"][s] for s in PAUSING_ORDER]
            grid.row((row["plan"], row["severity"], str(row["clocks"]), *map(_hours, seconds), _hours(sum(seconds))))
    else:
        _empty(doc, "Nenhum relógio de solução conta neste mês.")

    _section(doc, "Assessoria faturada")
    if content["billed"]:
        grid = Grid(doc, widths=(60, 18, 30, 30, 34), aligns=("L", "R", "R", "R", "R"), size=8, line_height=4.2)
        grid.heading(("Organização", "Linhas", "Horas trabalhadas", "Horas faturadas", "Valor"))
        for row in content["billed"]:
            grid.row(
                (
                    row["organization"],
                    str(row["lines"]),
                    _hours(row["minutes"] * 60),
                    _hours(row["billable_minutes"] * 60),
                    _money(row["amount"]),
                )
            )
    else:
        _empty(doc, "Nenhuma linha de faturamento de assessoria neste mês.")

    _section(doc, "Satisfação dos clientes")
    if content["satisfaction"]:
        grid = Grid(doc, widths=(60, 24, 30, 24), aligns=("L", "R", "R", "R"), size=8, line_height=4.2)
        grid.heading(("Analista", "Respostas", "Nota média (1–5)", "Notas ≤ 2"))
        for row in content["satisfaction"]:
            average = "—" if row["average"] is None else f"{row['average']:.2f}".replace(".", ",")
            grid.row((row["analyst"] or "Sem responsável", str(row["answers"]), average, str(row["low"])))
    else:
        _empty(doc, "Nenhuma pesquisa respondida neste mês.")
    return bytes(doc.output())
