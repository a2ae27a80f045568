"""The fast form renderer writes exactly what Django's widget templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy

from servicedesk.ui.forms import FastRenderer

CHOICES = [("", "Selecione…"), ("a&b", 'Opção "A" <b>'), (3, "Três")]
GROUPED = [("Grupo <1>", [("x", "X"), ("y", "Ý")]), ("z", "Zê")]


class Everything(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("ex.: 12,5"), "data-x": '"<&>'}), required=False
    )
    email = forms.EmailField(required=True)
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0}))
    hidden = forms.CharField(widget=forms.HiddenInput)
    secret = forms.CharField(widget=forms.PasswordInput)
    when = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    flag = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    choice = forms.ChoiceField(choices=CHOICES)
    grouped = forms.ChoiceField(choices=GROUPED)
    many = forms.MultipleChoiceField(choices=CHOICES)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)  # through the templates


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "text": '<script>alert(1)</script> & "aspas"',
            "email": "a@b.example",
            "number": "7",
            "hidden": "h'1",
            "secret": "s",
            "when": "2026-12-01T10:00",
            "flag": "on",
            "body": "linha 1\n<linha 2>",
            "choice": "a&b",
            "grouped": "y",
            "many": ["a&b", "3"],
            "radio": "3",
        },
    ],
)
def test_every_widget_renders_as_django_templates_do(data):
    ours = Everything(data, renderer=FastRenderer())
    django = Everything(data, renderer=DjangoTemplates())
    for name in Everything.base_fields:
        assert str(ours[name]) == str(django[name]), name


def test_plain_widgets_never_reach_the_templates(monkeypatch):
    def no_template(self, template_name):
        raise AssertionError(f"template used: {template_name}")

    monkeypatch.setattr(FastRenderer, "get_template", no_template)
    form = Everything(renderer=FastRenderer())
    for name in Everything.base_fields:
        if name not in ("radio", "upload"):  # RadioSelect and ClearableFileInput: templates
            str(form[name].as_widget())
