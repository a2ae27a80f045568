from django.contrib import admin

from servicedesk.sla.models import BusinessCalendar, BusinessWindow, ClosedDay, Plan, PlanTarget


class BusinessWindowInline(admin.TabularInline):
    model = BusinessWindow
    extra = 0


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "include_national_holidays", "is_default"]
    inlines = [BusinessWindowInline, ClosedDayInline]


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["date", "description", "calendar"]
    list_filter = ["calendar"]
    date_hierarchy = "date"


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
