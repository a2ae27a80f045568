"""Back office of the knowledge base. Articles are written through the services (so every edit
is a version and the search tokens follow); publishing and archiving are actions calling the
reviewer's services; versions, feedback, deflections and the search tokens are read-only."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy

from servicedesk.core import clock
from servicedesk.core.errors import DomainError
from servicedesk.knowledge import services
from servicedesk.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleImage,
    ArticleSearch,
    ArticleVersion,
    Category,
    Deflection,
)

EDITABLE = ["title", "body", "visibility", "category", "products", "modules", "release_from", "release_to"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


class ArticleAdminForm(forms.ModelForm):
    """Validation and the write are the service's: `clean` calls it (inside the admin's
    transaction, in a savepoint), so a refused edit shows its message on the form and changes
    nothing."""

    class Meta:
        model = Article
        fields = ["slug", *EDITABLE]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.result = None
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Deixe em branco para gerar a partir do título; não muda depois."

    def validate_unique(self):
        pass  # the service checks the slug

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        values = {name: data.get(name) for name in EDITABLE}
        values["products"] = list(values["products"] or [])
        values["modules"] = list(values["modules"] or [])
        try:
            with transaction.atomic():
                if self.instance.pk is None:
                    self.result = services.article_create(
                        actor=self.actor, now=clock.now(), slug=data.get("slug") or "", **values
                    )
                else:
                    self.result = services.article_update(
                        article=self.instance, actor=self.actor, now=clock.now(), **values
                    )
        except DomainError as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, exc.message)
        return data


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "title", "editor", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "visibility", "category", "version", "view_count", "published_at"]
    list_filter = ["status", "visibility", "category", "products"]
    search_fields = ["title", "slug"]
    readonly_fields = ["status", "author", "reviewer", "published_at", "version", "view_count"]
    filter_horizontal = ["products", "modules"]
    inlines = [VersionInline]
    actions = ["publish", "archive"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithActor(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, actor=request.user, **inner)

        return WithActor

    def save_model(self, request, obj, form, change):
        article = form.result  # written by the service in ArticleAdminForm.clean
        obj.pk = article.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # products and modules were set by the service; the versions inline is read-only

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: links and feedback stay

    def _each(self, request, queryset, service, done):
        for article in queryset.order_by("title"):
            try:
                service(article=article, actor=request.user, now=clock.now())
            except DomainError as exc:
                self.message_user(request, f"{article.title}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{article.title}: {done}", messages.SUCCESS)

    @admin.action(description=gettext_lazy("Publicar (revisor)"), permissions=["change"])
    def publish(self, request, queryset):
        self._each(request, queryset, services.article_publish, gettext_lazy("publicado."))

    @admin.action(description=gettext_lazy("Arquivar"), permissions=["change"])
    def archive(self, request, queryset):
        self._each(request, queryset, services.article_archive, gettext_lazy("arquivado."))


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnlyAdmin):
    list_display = ["article", "number", "title", "editor", "created_at"]
    list_filter = ["article"]


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["article", "helpful", "user", "created_at"]
    list_filter = ["helpful"]


@admin.register(ArticleImage)
class ArticleImageAdmin(ReadOnlyAdmin):
    """Images are uploaded from the console's article page (checked by content there)."""

    list_display = ["original_name", "article", "content_type", "size", "uploaded_by", "created_at"]


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdmin):
    list_display = ["article", "user", "query", "created_at"]


@admin.register(ArticleSearch)
class ArticleSearchAdmin(ReadOnlyAdmin):
    list_display = ["article"]
