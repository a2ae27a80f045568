from django.contrib import admin

from servicedesk.catalog.models import Module, Product, Release


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


class ReleaseInline(admin.TabularInline):
    model = Release
    extra = 0
    exclude = ["sort_key"]
    readonly_fields = ["published_at"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    inlines = [ModuleInline, ReleaseInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["name", "product"]
    list_filter = ["product"]


# The Release admin is registered by servicedesk.tickets.admin: its "Publicar" action announces the
# tickets a release fixes (tickets.services.release_publish), and the catalog cannot import tickets.
