from django.contrib import admin

from servicedesk.catalog.models import Module, Product, Release


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0


class ReleaseInline(admin.TabularInline):
    model = Release
    extra = 0
    exclude = ["sort_key"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    inlines = [ModuleInline, ReleaseInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["name", "product"]
    list_filter = ["product"]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = ["product", "version", "released_on"]
    list_filter = ["product"]
    exclude = ["sort_key"]
