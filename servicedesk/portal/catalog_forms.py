"""Forms of the service catalog (issue 10): one short form per request kind, and the
improvement suggestion. They parse input only; the rules are the services' (requests,
suggestions, tickets), whose `DomainError.fields` come back onto these fields."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.accounts.models import Organization
from servicedesk.catalog.models import Module, Product
from servicedesk.portal.forms import ModuleChoiceField, ServiceErrorsMixin
from servicedesk.sla.engine.policy import Environment

ENVIRONMENT_CHOICES = [(e.value, e.value.capitalize()) for e in Environment]


class LicenseKeyForm(ServiceErrorsMixin, forms.Form):
    product = forms.ModelChoiceField(
        label=_("Produto"), queryset=Product.objects.none(), required=False, empty_label=_("Escolha o produto…")
    )
    # Checked by the service (every field error at once, in its words), not by the form.
    environment = forms.CharField(
        label=_("Ambiente"), widget=forms.RadioSelect(choices=ENVIRONMENT_CHOICES), required=False, max_length=20
    )
    server_identification = forms.CharField(
        label=_("Identificação do servidor"),
        max_length=200,
        required=False,
        help_text=_("Nome do servidor, ID de hardware ou endereço onde a chave será instalada."),
    )
    notes = forms.CharField(
        label=_("Observações"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = organization.licensed_products.all()


class ProposalForm(ServiceErrorsMixin, forms.Form):
    module = ModuleChoiceField(
        label=_("Produto e módulo"), queryset=Module.objects.none(), required=False, empty_label=_("Escolha o módulo…")
    )
    subject = forms.CharField(
        label=_("O que deve ser proposto"),
        max_length=150,
        required=False,
        help_text=_("Ex.: implantação do eSocial, treinamento in company, customização de relatório."),
    )
    details = forms.CharField(
        label=_("Descreva a necessidade"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Escopo, prazos desejados, quantas pessoas ou filiais."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(
            product__in=organization.licensed_products.all()
        ).select_related("product")


class SuggestionForm(ServiceErrorsMixin, forms.Form):
    aliases = {"tickets": "ticket_numbers"}
    product = forms.ModelChoiceField(
        label=_("Produto"), queryset=Product.objects.none(), required=False, empty_label=_("Escolha o produto…")
    )
    module = ModuleChoiceField(
        label=_("Módulo (opcional)"), queryset=Module.objects.none(), required=False, empty_label=_("—")
    )
    title = forms.CharField(label=_("Título"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Descrição"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("O que mudaria, por quê, e quem ganharia com isso."),
    )
    ticket_numbers = forms.CharField(
        label=_("Chamados relacionados (opcional)"),
        required=False,
        max_length=200,
        help_text=_("Números de chamados da sua organização, separados por vírgula."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        products = organization.licensed_products.all()
        self.fields["product"].queryset = products
        self.fields["module"].queryset = Module.objects.filter(product__in=products).select_related("product")

    def clean_ticket_numbers(self) -> list[int]:
        text = self.cleaned_data.get("ticket_numbers", "")
        numbers = [part for part in re.split(r"[\s,;]+", text.replace("#", " ")) if part]
        if any(not part.isdigit() or len(part) > 12 for part in numbers):
            raise forms.ValidationError(_("Informe apenas números de chamados, separados por vírgula."))
        return [int(part) for part in numbers]
