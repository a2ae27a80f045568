"""The form renderer of the project: Django's own templates, except for the plainest widgets.

A widget drawn through Django's templates costs one template render per input, per attribute
list and per `<option>`: the console's ticket workspace, with its dozen forms, spent 16 of its
45 ms there (benchmarks/web.py). `FastRenderer` writes the markup of inputs, textareas, selects
and options in Python — the same markup as Django's templates in
django/forms/templates/django/forms/widgets/ (`input.html`, `attrs.html`, `select.html`,
`select_option.html`, `textarea.html`), escaped the same way — and hands every other template
(forms, fields, the admin's widgets, radio and checkbox lists) to the templates, unchanged.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_W = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    _W + name + ".html"
    for name in (
        "input",
        "text",
        "email",
        "number",
        "hidden",
        "password",
        "url",
        "search",
        "tel",
        "color",
        "date",
        "datetime",
        "time",
        "file",
        "checkbox",
    )
)
SELECT_TEMPLATE = _W + "select.html"
OPTION_TEMPLATE = _W + "select_option.html"
TEXTAREA_TEMPLATE = _W + "textarea.html"


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _option(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def render_widget(template_name: str, widget: dict) -> SafeString | None:
    """The markup of `widget` (a widget's context) for the templates above; None for others."""
    if template_name in INPUT_TEMPLATES:
        value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
        return mark_safe(  # noqa: S308 — every part is escaped above
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f"{value}{_attrs(widget['attrs'])}>"
        )
    if template_name == TEXTAREA_TEMPLATE:
        value = conditional_escape(str(widget["value"])) if widget["value"] else ""
        return mark_safe(  # noqa: S308
            f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
        )
    if template_name == SELECT_TEMPLATE:
        if any(
            option.get("template_name") != OPTION_TEMPLATE for _, group, _ in widget["optgroups"] for option in group
        ):
            return None
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            # (each included option keeps its template's final newline; only the outer render strips)
            parts.extend("\n  " + _option(option) + "\n" for option in group)
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308
    if template_name == OPTION_TEMPLATE:
        return mark_safe(_option(widget))  # noqa: S308
    return None


class FastRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: plain widgets in Python, everything else through the templates."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            markup = render_widget(template_name, widget)
            if markup is not None:
                return markup
        return super().render(template_name, context, request=request)


class MultipleFileInput(forms.FileInput):
    """Several files in one input (the portal's and the console's attachments). A FileInput, not a
    ClearableFileInput: an upload field of ours never has a stored value to clear, and the plain
    input is drawn in Python above."""

    allow_multiple_selected = True
