from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input
from qunfang.plaques.models import REPLACEMENTS


class HangForm(forms.Form):
    """A household's first plaque, from the list of those still to receive one."""

    veteran = forms.IntegerField(widget=forms.HiddenInput)
    day = forms.DateField(label=_("Hung on"), widget=date_input())


class ReplaceForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=[(r.value, r.label) for r in REPLACEMENTS])
    day = forms.DateField(label=_("Hung on"), widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class FirstForm(forms.Form):
    day = forms.DateField(label=_("Hung on"), widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=200)
