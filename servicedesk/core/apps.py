from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "servicedesk.core"
    label = "core"
    verbose_name = "Núcleo"

    def ready(self):
        # Django 6.1's blank choice of every select built from a model field, a ModelChoiceField
        # or the admin ("- Select an option -") has no pt-BR translation in Django's catalogue.
        # Django reads this constant at each use (django.db.models.utils.get_blank_choice_label)
        # and documents replacing it here; ours is translated (locale/en: "Select…").
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("Selecione…")
