"""A picker for a choice among thousands (donors, people, places): the field keeps the chosen id in a
hidden input, and the person types a few characters into a search box that asks the page's own
search address for the first matches (core/static/core/picker.js). No list of thousands is sent, and
the field's queryset (scoped by the view) still decides what may be chosen. And a select that renders
quickly, for the filters of long lists."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class SearchPicker(forms.Widget):
    template_name = "core/widgets/search_picker.html"

    class Media:
        js = (forms.Script("core/picker.js", defer=True),)

    def __init__(self, url: str = "", attrs=None):
        super().__init__(attrs)
        self.url = url  # answers ?q= with [{"id": …, "label": …}], the first matches
        self.choices = None  # the field's ModelChoiceIterator, to name the chosen one

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        label = ""
        if value not in (None, "") and self.choices is not None:
            chosen = self.choices.queryset.filter(pk=value).first() if str(value).isdigit() else None
            label = str(chosen) if chosen is not None else ""
        context["widget"].update(url=self.url, label=label, placeholder=_("Type a few characters to find"))
        return context


def pick_url(field: forms.ModelChoiceField, url: str) -> None:
    """Make a model choice field a search picker that asks `url` (the view knows it; a form does not)."""
    field.widget = SearchPicker(url)
    field.widget.choices = field.choices


class QuickSelect(forms.Select):
    """A select written out in Python: Django renders each option through a template of its own,
    which on a list page's filters (a district's places, its tags) costs more than the list itself.
    The same markup as forms.Select, without option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = [
            format_html(
                '<option value="{}"{}>{}</option>',
                option["value"],
                mark_safe(" selected") if option["selected"] else "",
                option["label"],
            )
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        ]
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(options)),
        )
