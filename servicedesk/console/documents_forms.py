"""The console's upload form for product documentation (the service decides; this only parses)."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from servicedesk.catalog.models import Product, Release
from servicedesk.documents.models import DocumentKind


class DocumentUploadForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Produto"),
        queryset=Product.objects.all(),
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("console:document_releases"),
                "hx-target": "#id_document_release",
                "hx-trigger": "change",
            }
        ),
    )
    # Every release validates here so that one of another product reaches the service, which
    # refuses it with a clear message; the menu shows only the chosen product's (htmx).
    release = forms.ModelChoiceField(
        label=_("Versão"),
        queryset=Release.objects.select_related("product"),
        required=False,
        empty_label=_("Todas as versões"),
    )
    kind = forms.ChoiceField(label=_("Tipo"), choices=DocumentKind.choices, initial=DocumentKind.MANUAL)
    title = forms.CharField(label=_("Título"), max_length=200)
    file = forms.FileField(label=_("Arquivo"), help_text=_("PDF, texto ou ZIP; o tipo é conferido pelo conteúdo."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_document_%s")
        super().__init__(*args, **kwargs)
        product_id = self.data.get("product") if self.is_bound else None
        self.fields["release"].widget.choices = release_choices(product_id)


def release_choices(product_id) -> list[tuple[str, str]]:
    choices = [("", str(_("Todas as versões")))]
    if product_id and str(product_id).isdigit():
        releases = Release.objects.filter(product_id=int(product_id)).order_by("-sort_key")
        choices += [(str(r.pk), r.version) for r in releases]
    return choices
