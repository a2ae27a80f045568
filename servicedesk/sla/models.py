"""SLA data: business calendars, their closed days, plans and their effective-dated targets.

The engine (`servicedesk.sla.engine`) never sees these rows; `adapters.py` turns them into
engine values.
"""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from servicedesk.core.models import TimeStamped


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"Fuso horário desconhecido: {value}") from exc


class Weekday(models.IntegerChoices):
    MONDAY = 0, "segunda-feira"
    TUESDAY = 1, "terça-feira"
    WEDNESDAY = 2, "quarta-feira"
    THURSDAY = 3, "quinta-feira"
    FRIDAY = 4, "sexta-feira"
    SATURDAY = 5, "sábado"
    SUNDAY = 6, "domingo"


class BusinessCalendar(TimeStamped):
    """Editable business calendar (domain.md §2). Several may exist; one is the default."""

    name = models.CharField("nome", max_length=100, unique=True)
    timezone = models.CharField(
        "fuso horário", max_length=64, default="America/Sao_Paulo", validators=[validate_timezone]
    )
    include_national_holidays = models.BooleanField(
        "incluir feriados nacionais", default=True, help_text="Feriados nacionais do Brasil (pacote holidays, BR)."
    )
    is_default = models.BooleanField("padrão", default=False)

    class Meta:
        verbose_name = "calendário de expediente"
        verbose_name_plural = "calendários de expediente"
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="calendar_single_default")
        ]

    def __str__(self) -> str:
        return self.name


class BusinessWindow(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="windows", verbose_name="calendário"
    )
    weekday = models.PositiveSmallIntegerField("dia da semana", choices=Weekday.choices)
    start = models.TimeField("início")
    end = models.TimeField("fim")

    class Meta:
        verbose_name = "janela de expediente"
        verbose_name_plural = "janelas de expediente"
        ordering = ["weekday", "start"]
        constraints = [models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="window_start_before_end")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class ClosedDay(models.Model):
    """A day without business time beyond the national holidays (Carnival, local holidays…)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="closed_days", verbose_name="calendário"
    )
    date = models.DateField("data")
    description = models.CharField("descrição", max_length=120, blank=True)

    class Meta:
        verbose_name = "dia sem expediente"
        verbose_name_plural = "dias sem expediente"
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="closedday_calendar_date_unique")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.description}"


class Plan(TimeStamped):
    """An SLA plan (STARTER, PREMIUM). Its targets are effective-dated rows of PlanTarget."""

    code = models.CharField("código", max_length=30, unique=True)
    name = models.CharField("nome", max_length=100)
    description = models.TextField("descrição", blank=True)

    class Meta:
        verbose_name = "plano de SLA"
        verbose_name_plural = "planos de SLA"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PlanTarget(models.Model):
    """Diagnosis and solution targets of one severity, in business minutes, from a date on.

    A ticket copies the targets in force when it is opened (domain.md §6).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets", verbose_name="plano")
    severity = models.CharField("severidade", max_length=20)
    effective_from = models.DateTimeField("vigente a partir de")
    diagnosis_minutes = models.PositiveIntegerField("diagnóstico (minutos úteis)")
    solution_minutes = models.PositiveIntegerField("solução (minutos úteis)")

    class Meta:
        verbose_name = "meta de SLA"
        verbose_name_plural = "metas de SLA"
        ordering = ["plan", "severity", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "severity", "effective_from"], name="plantarget_plan_severity_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(diagnosis_minutes__gt=0) & Q(solution_minutes__gt=0), name="plantarget_minutes_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.severity}: {self.diagnosis_minutes / 60:g} h × {self.solution_minutes / 480:g} dias"


class CalendarChangeStatus(models.TextChoices):
    PENDING = "pending", "na fila"
    RUNNING = "running", "recalculando"
    DONE = "done", "concluído"


class CalendarChange(models.Model):
    """An edit of a calendar (windows, closed days) and the recomputation it causes: every open
    ticket that uses the calendar gets its unmet deadlines recomputed in the background
    (domain.md §2, decision), with the progress kept here for the back office."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="changes", verbose_name="calendário"
    )
    changed_at = models.DateTimeField("alterado em")
    changed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="por"
    )
    status = models.CharField(
        "situação", max_length=10, choices=CalendarChangeStatus.choices, default=CalendarChangeStatus.PENDING
    )
    total = models.PositiveIntegerField("chamados em aberto", default=0)
    done = models.PositiveIntegerField("recalculados", default=0)
    moved = models.PositiveIntegerField("com prazos alterados", default=0)
    finished_at = models.DateTimeField("concluído em", null=True, blank=True)

    class Meta:
        verbose_name = "recálculo de prazos"
        verbose_name_plural = "recálculos de prazos"
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["status", "changed_at"], name="calendarchange_status_idx")]

    def __str__(self) -> str:
        return f"{self.calendar} — {self.changed_at:%d/%m/%Y %H:%M} ({self.get_status_display()})"

    @property
    def progress(self) -> str:
        if self.status == CalendarChangeStatus.PENDING:
            return "na fila"
        return f"{self.done} de {self.total}"
