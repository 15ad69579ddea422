from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.community.models import ScreeningOutcome
from qunfang.core.forms import date_input

DEFAULT_SCRIPT = _(
    "Hello, this is the community's epidemic prevention team. Is everyone at home well: any fever or"
    " cough? Has anyone come back from elsewhere in the past 14 days? Do you need anything: food,"
    " medicine, help? Please stay at home and call the community if anything changes."
)


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    script = forms.CharField(
        label=_("Call script"), widget=forms.Textarea(attrs={"rows": 5}), initial=DEFAULT_SCRIPT
    )
    day = forms.DateField(label=_("First day"), widget=date_input())
    callers = forms.ModelMultipleChoiceField(
        label=_("Callers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A grid worker calls her grid's households; the others share the rest."),
    )

    def __init__(self, *args, callers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["callers"].queryset = callers


RECORDABLE = [
    (value, label) for value, label in ScreeningOutcome.choices if value != ScreeningOutcome.NO_PHONE
]


class ScreeningCallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RECORDABLE, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    resident = forms.IntegerField(required=False)
    household = forms.IntegerField()  # whose card was shown: the service refuses the outcome for another
