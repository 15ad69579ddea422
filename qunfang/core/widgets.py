"""A picker for a choice among thousands (donors, people, places): the field keeps the chosen id in a
hidden input, and the person types a few characters into a search box that asks the page's own
search address for the first matches (core/static/core/picker.js). No list of thousands is sent, and
the field's queryset (scoped by the view) still decides what may be chosen."""

from django import forms
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
