"""The PDF of an activity report (domain.md §8), in pt-BR, with the vendor's header. fpdf2.

Why fpdf2 and not WeasyPrint: it is pure Python (no Pango/Cairo system libraries for a fresh
machine or the production image to carry), it renders a 200-entry report in a fraction of a
second (benchmarks/advisory.py), and a report is a fixed layout — a header, a table, totals —
for which drawing beats HTML+CSS. DejaVu Sans (vendored in fonts/, Bitstream Vera licence)
covers every character people type in an activity (accents, dashes, quotes, symbols).

The input is the report's frozen `content` (advisory.services.reports.statement_content), so a
version renders the same document whenever it is rendered.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF

from servicedesk.advisory.money import format_brl, format_minutes

FONTS = Path(__file__).resolve().parent / "fonts"
BRASILIA = ZoneInfo("America/Sao_Paulo")
VENDOR = "WeConnect Team"
VENDOR_LINE = "Suporte WeConnect · (11) 4000-1117 · segunda a sexta, 09h–13h e 14h–18h (horário de Brasília)"
MODALITY = {"remota": "Remota", "presencial": "Presencial"}
BILLING = {"hora": "Por hora", "serviço": "Preço fechado (serviço)"}
INK = (33, 37, 41)
MUTED = (96, 103, 112)
BRAND = (13, 71, 161)


def _local(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(BRASILIA)


def _date(iso: str) -> str:
    return f"{datetime.fromisoformat(iso):%d/%m/%Y}" if len(iso) == 10 else f"{_local(iso):%d/%m/%Y}"


def _money(text: str) -> str:
    return format_brl(Decimal(text))


def _hours(text: str) -> str:
    value = Decimal(text).normalize()
    return f"{value:f}".replace(".", ",") + " h"


class ReportDocument(FPDF):
    def __init__(self, title: str, subtitle: str, produced: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title, self.subtitle, self.produced = title, subtitle, produced
        self.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self.set_title(title)
        self.set_author(VENDOR)
        self.set_lang("pt-BR")

    def header(self):
        self.set_font("DejaVu", "B", 14)
        self.set_text_color(*BRAND)
        self.cell(0, 7, VENDOR, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 4, VENDOR_LINE, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*BRAND)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y() + 1.5, self.w - self.r_margin, self.get_y() + 1.5)
        self.ln(4)
        self.set_text_color(*INK)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"{self.report_title} · {self.produced}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Página {self.page_no()} de {{nb}}", align="R")


class Grid:
    """A table drawn cell by cell: words wrapped with the font's widths (linear time, where
    fpdf2's own table and multi_cell re-measure each line as it grows), the heading repeated
    on every page the table crosses."""

    padding = 1.2

    def __init__(self, doc: ReportDocument, *, widths, aligns, size: float, line_height: float):
        self.doc, self.widths, self.aligns = doc, widths, aligns
        self.size, self.lh = size, line_height
        self.head: tuple[str, ...] | None = None
        self._widths: dict[tuple[str, str], float] = {}

    def _width(self, word: str, style: str) -> float:
        key = (word, style)
        if key not in self._widths:
            self._widths[key] = self.doc.get_string_width(word)
        return self._widths[key]

    def wrap(self, text: str, width: float, style: str = "") -> list[str]:
        lines: list[str] = []
        space = self._width(" ", style)
        for paragraph in str(text).splitlines() or [""]:
            line, used = "", 0.0
            for word in paragraph.split():
                w = self._width(word, style)
                while w > width and len(word) > 1:  # a word wider than the column: cut it
                    cut = max(1, int(len(word) * width / w) - 1)
                    if line:
                        lines.append(line)
                        line, used = "", 0.0
                    lines.append(word[:cut])
                    word = word[cut:]
                    w = self._width(word, style)
                if line and used + space + w > width:
                    lines.append(line)
                    line, used = word, w
                else:
                    line, used = (f"{line} {word}", used + space + w) if line else (word, w)
            lines.append(line)
        return lines

    def _fits(self, height: float) -> bool:
        return self.doc.get_y() + height <= self.doc.page_break_trigger

    def _draw(self, cells, *, style: str = "", fill: bool = False, widths=None, aligns=None, keep: float = 0) -> None:
        doc, widths, aligns = self.doc, widths or self.widths, aligns or self.aligns
        doc.set_font("DejaVu", style, self.size)
        wrapped = [self.wrap(text, w - 2 * self.padding, style) for text, w in zip(cells, widths, strict=True)]
        height = max(len(lines) for lines in wrapped) * self.lh + self.padding
        if not self._fits(height + keep):
            doc.add_page()
            if self.head is not None and self.repeat:
                self._draw(self.head, style="B", fill=True)
                doc.set_font("DejaVu", style, self.size)
        x, y = doc.l_margin, doc.get_y()
        doc.set_draw_color(205, 210, 216)
        doc.set_line_width(0.15)
        if fill:
            doc.set_fill_color(238, 242, 247)
        for lines, w, align in zip(wrapped, widths, aligns, strict=True):
            doc.rect(x, y, w, height, style="DF" if fill else "D")
            for i, line in enumerate(lines):
                doc.set_xy(x + self.padding, y + self.padding / 2 + i * self.lh)
                doc.cell(w - 2 * self.padding, self.lh, line, align=align)
            x += w
        doc.set_xy(doc.l_margin, y + height)

    def heading(self, cells, *, repeat: bool = False) -> None:
        self.head, self.repeat = tuple(cells), repeat
        self._draw(self.head, style="B", fill=True)

    def row(self, cells) -> None:
        self._draw(tuple(cells))

    def band(self, text: str, *, bold: bool = False, fill: bool = False, align: str = "L") -> None:
        """One cell across the whole table (a session's title or subtotal)."""
        # A session's title stays with its first entry (room for about two lines more).
        keep = 3 * self.lh if bold else 0
        self._draw(
            (text,), style="B" if bold else "", fill=fill, widths=(sum(self.widths),), aligns=(align,), keep=keep
        )


def _pair(doc: ReportDocument, label: str, value: str, *, width: float = 42) -> None:
    doc.set_font("DejaVu", "B", 9)
    doc.cell(width, 5, label)
    doc.set_font("DejaVu", "", 9)
    doc.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")


def report_pdf(content: dict) -> bytes:
    """The report's PDF (bytes) from its frozen content."""
    version = content.get("version")
    ticket = content["ticket"]
    proposal = content["proposal"]
    totals = content["totals"]
    hourly = proposal["billing"] == "hora"
    title = f"Relatório de assessoria técnica — chamado #{ticket['number']}"
    title += f" — versão {version}" if version else " — prévia (não enviada)"
    produced_at = _local(content["produced_at"])
    doc = ReportDocument(title, ticket["title"], f"gerado em {produced_at:%d/%m/%Y %H:%M} (horário de Brasília)")
    doc.set_creation_date(produced_at)
    doc.add_page()

    doc.set_font("DejaVu", "B", 12.5)
    doc.multi_cell(0, 6.5, title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", 10)
    doc.multi_cell(0, 5.5, ticket["title"], new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    _pair(doc, "Cliente", content["organization"])
    _pair(doc, "Serviço", f"{proposal['price_description']} ({proposal['price_code']})")
    _pair(doc, "Modalidade", MODALITY.get(proposal["modality"], proposal["modality"]))
    price_label = "Valor da hora" if hourly else "Preço fechado"
    _pair(
        doc,
        "Cobrança",
        f"{BILLING.get(proposal['billing'], proposal['billing'])} · {price_label}: {_money(proposal['unit_price'])}",
    )
    if hourly:
        _pair(doc, "Mínimo por sessão", format_minutes(content["minimum_minutes"]) + " por analista e dia")
    accepted = ""
    if proposal.get("accepted_at"):
        accepted = f"{proposal['accepted_by']} em {_local(proposal['accepted_at']):%d/%m/%Y %H:%M}"
    _pair(doc, "Proposta aceita por", accepted or "—")
    _pair(doc, "Escopo", proposal["scope"])
    doc.ln(2)

    # The estimate beside the time consumed.
    doc.set_font("DejaVu", "B", 10.5)
    doc.cell(0, 6, "Estimado × consumido", new_x="LMARGIN", new_y="NEXT")
    summary = Grid(doc, widths=(60, 60, 60), aligns=("L", "R", "R"), size=9, line_height=5)
    summary.heading(("", "Estimado na proposta", "Consumido"))
    summary.row(("Tempo", _hours(proposal["estimated_hours"]), format_minutes(totals["minutes"])))
    if hourly:
        summary.row(("Tempo faturável (após o mínimo)", "—", format_minutes(totals["billable_minutes"])))
    summary.row(("Valor", _money(proposal["estimated_amount"]), _money(totals["amount"])))
    doc.ln(4)

    doc.set_font("DejaVu", "B", 10.5)
    doc.cell(0, 6, "Atividades por sessão (analista e dia)", new_x="LMARGIN", new_y="NEXT")
    grid = Grid(doc, widths=(21, 13, 13, 17, 116), aligns=("L", "C", "C", "R", "L"), size=8.5, line_height=4.2)
    grid.heading(("Data", "Início", "Fim", "Tempo", "Atividade"), repeat=True)
    for session in content["sessions"]:
        grid.band(f"{_date(session['date'])} · {session['analyst']}", bold=True, fill=True)
        for entry in session["entries"]:
            start, end = _local(entry["started_at"]), _local(entry["ended_at"])
            grid.row(
                (
                    f"{start:%d/%m/%Y}",
                    f"{start:%H:%M}",
                    f"{end:%H:%M}" + ("" if end.date() == start.date() else f" ({end:%d/%m})"),
                    format_minutes(entry["minutes"]),
                    entry["activity"],
                )
            )
        if hourly:
            tail = (
                f"Sessão: {format_minutes(session['minutes'])} trabalhados · "
                f"{format_minutes(session['billable_minutes'])} faturáveis · {_money(session['amount'])}"
            )
        else:
            tail = f"Sessão: {format_minutes(session['minutes'])} trabalhados (preço fechado: não faturado por hora)"
        grid.band(tail, align="R")
    doc.ln(4)

    doc.set_font("DejaVu", "B", 10.5)
    doc.cell(0, 6, "Totais", new_x="LMARGIN", new_y="NEXT")
    _pair(doc, "Tempo consumido", format_minutes(totals["minutes"]), width=55)
    if hourly:
        _pair(doc, "Tempo faturável", format_minutes(totals["billable_minutes"]), width=55)
    _pair(doc, "Valor a faturar", _money(totals["amount"]), width=55)
    doc.ln(3)
    doc.set_font("DejaVu", "", 8)
    doc.set_text_color(*MUTED)
    note = (
        "Valores em reais (R$). Cada sessão (um analista em um dia, horário de Brasília) é faturada com "
        "no mínimo 1 hora se remota e 8 horas se presencial; o valor de cada sessão é arredondado ao centavo."
        if hourly
        else "Serviço de preço fechado: o valor é o da proposta, independentemente das horas consumidas."
    )
    doc.multi_cell(0, 4, note + " O faturamento só ocorre após a validação deste relatório pelo aprovador do cliente.")
    return bytes(doc.output())
