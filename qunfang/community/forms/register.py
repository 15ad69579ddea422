from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.community.models import ResidentStatus
from qunfang.core.forms import date_input


class BuildingForm(forms.Form):
    number = forms.CharField(label=_("Building"), max_length=20)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=None, required=False)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class HouseholdForm(forms.Form):
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    room = forms.CharField(label=_("Room"), max_length=10)
    phone = forms.CharField(label=_("Household phone"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=ResidentStatus.choices, initial=ResidentStatus.NORMAL
    )
    status_since = forms.DateField(label=_("Since"), required=False, widget=date_input())
    travel = forms.CharField(label=_("Recent travel"), max_length=300, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ResidentStatus.choices)
    since = forms.DateField(label=_("Since"), widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
