from django.contrib import admin

from servicedesk.sla.models import BusinessCalendar, BusinessWindow, ClosedDay, Plan, PlanTarget
from servicedesk.sla.services import calendar_touch


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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        calendar_touch(form.instance)  # windows or closed days may have changed in the inlines


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["date", "description", "calendar"]
    list_filter = ["calendar"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        calendar_touch(obj.calendar)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_touch(obj.calendar)

    def delete_queryset(self, request, queryset):
        calendars = {day.calendar for day in queryset.select_related("calendar")}
        super().delete_queryset(request, queryset)
        for calendar in calendars:
            calendar_touch(calendar)


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
        calendar_touch(obj.calendar)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar_touch(obj.calendar)
