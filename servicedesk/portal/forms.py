"""Portal forms. They parse input only; the rules (minimum information, training, versions)
are checked by the services, whose `DomainError.fields` are mapped back onto these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.accounts.models import OperationalDeadline, Organization
from servicedesk.catalog.models import Module, Release
from servicedesk.sla.engine.policy import Environment, Severity, TicketType
from servicedesk.tickets.models import TicketCategory
from servicedesk.ui.forms import MultipleFileInput

SEVERITY_DEFINITIONS = {
    Severity.CRITICAL: _("Sistema indisponível, sem alternativa, impacto crítico."),
    Severity.HIGH: _(
        "Sistema seriamente afetado ou indisponível para um grupo de usuários; existe alternativa, "
        "pode exigir intervenção manual."
    ),
    Severity.NORMAL: _("Um usuário afetado, existem alternativas, sem impacto crítico."),
    Severity.LOW: _("Dúvidas de uso que pedem orientação, pouco impacto (navegação de telas, exibição)."),
}
TYPE_DEFINITIONS = {
    TicketType.PROBLEM: _("Algo não funciona como deveria no sistema."),
    TicketType.REQUEST: _("Pedido de treinamento, proposta comercial ou chave de licença."),
    TicketType.QUESTION: _("Dúvida sobre como usar o sistema."),
}
CATEGORY_CHOICES = [c for c in TicketCategory.choices if c[0]]


class MultipleFileField(forms.FileField):
    """Zero or more uploads; content checks happen in tickets.attachments (by content, not name)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class ReleaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Release) -> str:
        return obj.version


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Module) -> str:
        return f"{obj.product.name} › {obj.name}"


class ServiceErrorsMixin:
    """A service's `DomainError.fields` back onto the form: each on its field (`aliases` maps a
    service's field name to the form's), the others — or the message alone — as form errors."""

    aliases: dict[str, str] = {}

    def apply_errors(self, fields: dict[str, str], message: str) -> None:
        for name, text in (fields or {None: message}).items():
            name = self.aliases.get(name, name)
            self.add_error(name if name in self.fields else None, text)


class TicketOpenForm(ServiceErrorsMixin, forms.Form):
    type = forms.ChoiceField(
        label=_("Tipo"), choices=[(t.value, t.value) for t in TicketType], widget=forms.RadioSelect, required=False
    )
    severity = forms.ChoiceField(
        label=_("Severidade"), choices=[(s.value, s.value) for s in Severity], widget=forms.RadioSelect, required=False
    )
    category = forms.ChoiceField(label=_("Categoria"), choices=[("", "—"), *CATEGORY_CHOICES], required=False)
    module = ModuleChoiceField(label=_("Produto e módulo"), queryset=Module.objects.none(), required=False)
    release = ReleaseChoiceField(label=_("Versão"), queryset=Release.objects.none(), required=False)
    version_text = forms.CharField(
        label=_("Outra versão"), max_length=40, required=False, help_text=_("Se a sua versão não estiver na lista.")
    )
    environment = forms.ChoiceField(
        label=_("Ambiente"),
        choices=[(e.value, e.value.capitalize()) for e in Environment],
        widget=forms.RadioSelect,
        required=False,
    )
    title = forms.CharField(label=_("Título"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Descrição detalhada"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        help_text=_("O que aconteceu, o que você esperava, passos para reproduzir, mensagens de erro."),
    )
    files = MultipleFileField(label=_("Evidências (capturas de tela, PDF, logs)"))
    affected_process = forms.ModelChoiceField(
        label=_("Processo afetado"),
        queryset=OperationalDeadline.objects.none(),
        required=False,
        help_text=_("Opcional: o processo de RH com prazo que este problema ameaça."),
    )
    linked_ticket = forms.IntegerField(
        label=_("Chamado vinculado (nº)"),
        required=False,
        min_value=1,
        help_text=_("Opcional: número de um chamado anterior."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        products = organization.licensed_products.all()
        self.fields["module"].queryset = Module.objects.filter(product__in=products).select_related("product")
        self.fields["release"].queryset = Release.objects.filter(
            product__in=products, published_at__isnull=False
        ).select_related("product")  # a planned release is not out yet
        self.fields["affected_process"].queryset = OperationalDeadline.objects.filter(organization=organization)
        self.is_cloud = organization.hosting_mode == "cloud"
        if self.is_cloud:
            del self.fields["release"]
            del self.fields["version_text"]
        if not self.fields["affected_process"].queryset.exists():
            del self.fields["affected_process"]


class TrainingRequestForm(ServiceErrorsMixin, forms.Form):
    module = ModuleChoiceField(label=_("Em qual módulo você quer ser treinado?"), queryset=Module.objects.none())
    description = forms.CharField(
        label=_("Observações"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Opcional: disponibilidade, quantas pessoas, dúvidas principais."),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(
            product__in=organization.licensed_products.all()
        ).select_related("product")


class ReplyForm(forms.Form):
    """The one composer of the ticket page: a message, files, or both. Files alone are evidence
    (`ticket_attachment_add`, all or nothing); anything with text is a message."""

    body = forms.CharField(label=_("Sua mensagem"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    files = MultipleFileField(label=_("Anexos"))
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)

    @property
    def evidence_only(self) -> bool:
        """Files without a message: evidence added to the ticket, not an empty message."""
        return not self.cleaned_data["body"].strip() and bool(self.cleaned_data["files"])


class RevisionForm(forms.Form):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Motivo"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReopenRequestForm(forms.Form):
    reason = forms.CharField(label=_("Por que o chamado deve ser reaberto?"), widget=forms.Textarea(attrs={"rows": 3}))


class RemoteAccessForm(ServiceErrorsMixin, forms.Form):
    authorized = forms.BooleanField(
        label=_("Autorizo o acesso remoto ao banco de dados e aos programas"), required=False
    )
    includes_sql = forms.BooleanField(label=_("Inclui sessão SQL"), required=False)
    authorized_by = forms.CharField(label=_("Autorizado por"), max_length=160, required=False)
    until = forms.DateField(
        label=_("Autorizado até"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Vazio: sem data final."),
    )
    notes = forms.CharField(
        label=_("Observações"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Não informe senhas aqui: credenciais são combinadas no momento do acesso."),
    )


class DeadlineForm(ServiceErrorsMixin, forms.Form):
    process = forms.CharField(label=_("Processo"), max_length=120, required=False)
    day_of_month = forms.IntegerField(label=_("Dia do mês"), required=False)
    notes = forms.CharField(label=_("Observações"), max_length=200, required=False)


class InvitationForm(ServiceErrorsMixin, forms.Form):
    """An approver invites a colleague (accounts.services.colleague_invite checks everything)."""

    name = forms.CharField(label=_("Nome"), max_length=300, required=False)
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


class ColleagueTrainingForm(ServiceErrorsMixin, forms.Form):
    """An approver requests training for a colleague (who: any active user of the organization)."""

    colleague = forms.TypedChoiceField(label=_("Quem será treinado"), coerce=int, choices=())
    module = ModuleChoiceField(label=_("Módulo"), queryset=Module.objects.none(), empty_label=_("Selecione o módulo"))
    description = forms.CharField(
        label=_("Observações"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Opcional: disponibilidade, dúvidas principais."),
    )

    def __init__(self, *args, organization: Organization, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].choices = [("", _("Selecione a pessoa"))] + [
            (p["user"].pk, p["user"].get_full_name() or p["user"].username) for p in people
        ]
        self.fields["module"].queryset = Module.objects.filter(
            product__in=organization.licensed_products.all()
        ).select_related("product")
