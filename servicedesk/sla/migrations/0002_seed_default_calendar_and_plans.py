"""Data: the default business calendar (domain.md §2) and the STARTER/PREMIUM plans (§6)."""

from datetime import UTC, datetime, time

from django.db import migrations

from servicedesk.sla.engine.policy import DEFAULT_PLAN_TARGETS

PLAN_NAMES = {"STARTER": "Plano STARTER", "PREMIUM": "Plano PREMIUM"}
EFFECTIVE_FROM = datetime(2020, 1, 1, tzinfo=UTC)


def seed(apps, schema_editor):
    Calendar = apps.get_model("sla", "BusinessCalendar")
    Window = apps.get_model("sla", "BusinessWindow")
    Plan = apps.get_model("sla", "Plan")
    PlanTarget = apps.get_model("sla", "PlanTarget")
    calendar, created = Calendar.objects.get_or_create(
        name="Brasília — horário comercial",
        defaults={"timezone": "America/Sao_Paulo", "include_national_holidays": True, "is_default": True},
    )
    if created:
        for weekday in range(5):
            Window.objects.create(calendar=calendar, weekday=weekday, start=time(9), end=time(13))
            Window.objects.create(calendar=calendar, weekday=weekday, start=time(14), end=time(18))
    for code, targets in DEFAULT_PLAN_TARGETS.items():
        plan, _ = Plan.objects.get_or_create(code=str(code), defaults={"name": PLAN_NAMES[str(code)]})
        for severity, (diagnosis, solution) in targets.items():
            PlanTarget.objects.get_or_create(
                plan=plan, severity=str(severity), effective_from=EFFECTIVE_FROM,
                defaults={"diagnosis_minutes": int(diagnosis.total_seconds() // 60),
                          "solution_minutes": int(solution.total_seconds() // 60)},
            )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
