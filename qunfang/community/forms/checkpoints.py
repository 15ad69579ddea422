from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input, moment_input


class GateForm(forms.Form):
    name = forms.CharField(label=_("Gate"), max_length=50)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ShiftForm(forms.Form):
    guard = forms.ModelChoiceField(label=_("Guard"), queryset=None)
    start = forms.DateTimeField(label=_("From"), widget=moment_input())
    end = forms.DateTimeField(label=_("Until"), widget=moment_input())

    def __init__(self, *args, guards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guard"].queryset = guards


class PassForm(forms.Form):
    resident = forms.ModelChoiceField(
        label=_("For"), queryset=None, required=False, empty_label=_("The household (any one member)")
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=date_input())
    valid_until = forms.DateField(label=_("Valid until"), widget=date_input())
    exit_every_days = forms.IntegerField(
        label=_("One exit every (days)"),
        required=False,
        min_value=1,
        max_value=30,
        help_text=_("For example 2: one member of the household may go out every two days. Empty: no limit."),
    )

    def __init__(self, *args, residents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
