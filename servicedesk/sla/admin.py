"""Back office of calendars and plans. Every edit of a calendar's windows or closed days goes
through `sla.services.calendar_touch`, which rebuilds the engine calendar everywhere and queues
the recomputation of the open tickets' deadlines (shown, with its progress, on the calendar)."""

from datetime import date

from django.contrib import admin
from django.utils.html import format_html_join

from servicedesk.core import clock
from servicedesk.sla.engine.calendar import brazilian_national_holidays
from servicedesk.sla.models import BusinessCalendar, BusinessWindow, CalendarChange, ClosedDay, Plan, PlanTarget
from servicedesk.sla.services import calendar_touch


class BusinessWindowInline(admin.TabularInline):
    model = BusinessWindow
    extra = 0


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0
    verbose_name_plural = "dias sem expediente (além dos feriados nacionais)"


def national_holidays(year: int) -> list[tuple[date, str]]:
    """The Brazilian national holidays the engine applies in `year`, with their names."""
    import holidays

    names = holidays.country_holidays("BR", years=year)
    return sorted((day, names.get(day, "")) for day in brazilian_national_holidays(year))


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "include_national_holidays", "is_default", "last_recompute"]
    inlines = [BusinessWindowInline, ClosedDayInline]
    readonly_fields = ["applied_national_holidays", "deadline_recomputations"]

    @admin.display(description="feriados nacionais aplicados")
    def applied_national_holidays(self, obj):
        if obj is None or not obj.include_national_holidays:
            return "Nenhum: este calendário não inclui os feriados nacionais."
        year = clock.now().year
        rows = [(f"{day:%d/%m/%Y}", name) for y in (year, year + 1) for day, name in national_holidays(y)]
        return format_html_join("", "<div>{} — {}</div>", rows)

    @admin.display(description="recálculos de prazos")
    def deadline_recomputations(self, obj):
        changes = list(obj.changes.all()[:5]) if obj is not None and obj.pk else []
        if not changes:
            return "Nenhuma alteração registrada."
        rows = [(f"{c.changed_at:%d/%m/%Y %H:%M}", c.get_status_display(), c.progress, c.moved) for c in changes]
        return format_html_join("", "<div>{}: {} ({}; {} com prazos alterados)</div>", rows)

    @admin.display(description="último recálculo")
    def last_recompute(self, obj):
        change = obj.changes.first()
        return f"{change.get_status_display()} — {change.progress}" if change else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and not (form.has_changed() or any(f.has_changed() for f in formsets)):
            return
        calendar_touch(form.instance, actor=request.user)  # windows or closed days may have changed


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["date", "description", "calendar"]
    list_filter = ["calendar"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_touch(obj.calendar, actor=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_touch(obj.calendar, actor=request.user)

    def delete_queryset(self, request, queryset):
        calendars = {day.calendar for day in queryset.select_related("calendar")}
        super().delete_queryset(request, queryset)
        for calendar in calendars:
            calendar_touch(calendar, actor=request.user)


@admin.register(CalendarChange)
class CalendarChangeAdmin(admin.ModelAdmin):
    list_display = ["calendar", "changed_at", "changed_by", "status", "progress", "moved", "finished_at"]
    list_filter = ["status", "calendar"]
    readonly_fields = [f.name for f in CalendarChange._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [PlanTargetInline]


@admin.register(PlanTarget)
class PlanTargetAdmin(admin.ModelAdmin):
    list_display = ["plan", "severity", "effective_from", "diagnosis_minutes", "solution_minutes"]
    list_filter = ["plan", "severity"]


@admin.register(BusinessWindow)
class BusinessWindowAdmin(admin.ModelAdmin):
    list_display = ["calendar", "weekday", "start", "end"]
    list_filter = ["calendar", "weekday"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_touch(obj.calendar, actor=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_touch(obj.calendar, actor=request.user)
