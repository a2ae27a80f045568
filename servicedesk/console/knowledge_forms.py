"""Forms of the console's knowledge base. They parse input only; every rule is in
knowledge.services (a refusal comes back as a form error and changes nothing)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.catalog.models import Product
from servicedesk.knowledge.models import Category, Visibility


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200)
    body = forms.CharField(
        label=_("Conteúdo (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown: **negrito**, listas, `código`, [links](https://…) e imagens enviadas abaixo."),
    )
    visibility = forms.ChoiceField(label=_("Visibilidade"), choices=Visibility.choices, initial=Visibility.INTERNAL)
    category = forms.ModelChoiceField(label=_("Categoria"), queryset=Category.objects.all(), required=False)
    products = forms.ModelMultipleChoiceField(
        label=_("Produtos"), queryset=Product.objects.order_by("name"), required=False
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class TicketArticleForm(forms.Form):
    """The draft prefilled from a resolved ticket: the analyst edits title and body."""

    title = forms.CharField(label=_("Título"), max_length=200)
    body = forms.CharField(label=_("Conteúdo (Markdown)"), widget=forms.Textarea(attrs={"rows": 16}))
    visibility = forms.ChoiceField(label=_("Visibilidade"), choices=Visibility.choices, initial=Visibility.INTERNAL)


class ArticleImageForm(forms.Form):
    image = forms.FileField(label=_("Imagem (PNG, JPEG, GIF ou WebP)"))
