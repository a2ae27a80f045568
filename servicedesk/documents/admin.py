"""Back office of the product documentation. Uploads go through `documents.services.document_upload`
(the form's `clean` calls it, so a refused file is a form error and nothing is stored); documents
are not edited in place (upload a new one, withdraw the old); withdrawing is an action and
deleting calls the service (the file goes after the commit). The download log is read-only."""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy

from servicedesk.core import clock
from servicedesk.core.errors import DomainError
from servicedesk.documents import services
from servicedesk.documents.models import Document, DocumentDownload


class DocumentUploadForm(forms.ModelForm):
    upload = forms.FileField(label="Arquivo", help_text="PDF, texto ou ZIP; o tipo é conferido pelo conteúdo.")

    class Meta:
        model = Document
        fields = ["title", "kind", "product", "release"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.result = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.result = services.document_upload(
                    actor=self.actor,
                    title=data.get("title"),
                    kind=data.get("kind"),
                    product=data.get("product"),
                    release=data.get("release"),
                    upload=data.get("upload"),
                    now=clock.now(),
                )
        except DomainError as exc:
            for field, message in (exc.fields or {None: exc.message}).items():
                self.add_error("upload" if field == "file" else (field if field in self.fields else None), message)
        return data


class DownloadInline(admin.TabularInline):
    model = DocumentDownload
    fields = ["at", "user", "address"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "product", "release", "original_name", "size", "uploaded_at", "withdrawn_at"]
    list_filter = ["kind", "product", "withdrawn_at"]
    search_fields = ["title", "original_name"]
    readonly_fields = [
        "title",
        "kind",
        "product",
        "release",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "withdrawn_at",
        "withdrawn_by",
    ]
    inlines = [DownloadInline]
    actions = ["withdraw"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["title", "kind", "product", "release", "upload"]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        kwargs["form"] = DocumentUploadForm
        kwargs["fields"] = ["title", "kind", "product", "release"]
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithActor(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, actor=request.user, **inner)

        return WithActor

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field of a stored document is read-only
        document = form.result  # written by the service in DocumentUploadForm.clean
        obj.pk = document.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass

    def delete_model(self, request, obj):
        services.document_delete(document=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for document in queryset:
            services.document_delete(document=document, actor=request.user)

    @admin.action(description=gettext_lazy("Retirar do portal"), permissions=["change"])
    def withdraw(self, request, queryset):
        for document in queryset.order_by("title"):
            try:
                services.document_withdraw(document=document, actor=request.user, now=clock.now())
            except DomainError as exc:
                self.message_user(request, f"{document.title}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{document.title}: {gettext_lazy('retirado.')}", messages.SUCCESS)


@admin.register(DocumentDownload)
class DocumentDownloadAdmin(admin.ModelAdmin):
    list_display = ["document", "user", "at", "address"]
    list_filter = ["document__product"]
    search_fields = ["document__title", "user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
