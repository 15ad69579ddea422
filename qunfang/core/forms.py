"""Forms of the kernel's pages. They only parse input; services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.models import HallStatus, Level, OrgUnit, StationKind
from qunfang.core.roles import Role


def date_input() -> forms.DateInput:
    """A date picker. Browsers read only ISO dates into one: a date in the page's language shows empty."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def moment_input() -> forms.DateTimeInput:
    """A date-and-time picker, in the ISO form browsers read (see date_input)."""
    return forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})


MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
LONGEST_PERIOD_DAYS = 731


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To"), widget=date_input())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > LONGEST_PERIOD_DAYS:
            raise forms.ValidationError(_("Ask for two years at most at a time."))
        return data


class StationFactsForm(forms.Form):
    station_kind = forms.ChoiceField(label=_("Station"), choices=StationKind.choices, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Station phone"), max_length=40, required=False)
    hall_status = forms.ChoiceField(label=_("Service hall"), choices=HallStatus.choices)


class PlaceForm(StationFactsForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    code = forms.CharField(
        label=_("Division code"),
        max_length=14,
        required=False,
        help_text=_("The 12-digit statistical code, if the place has one."),
    )
    field_order = ["name", "level", "code", "station_kind", "address", "phone", "hall_status"]


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("New parent"), queryset=OrgUnit.objects.none())

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = candidates


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel or CSV file"),
        help_text=_("Columns: code, name, parent_code, level, station_kind, address, phone, hall_status."),
    )


class PasswordPairForm(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class NewUserForm(PasswordPairForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    field_order = ["username", "full_name", "role", "password1", "password2"]


class AddMembershipForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100)


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=date_input())
    until = forms.DateField(label=_("To"), required=False, widget=date_input())
