from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.community.models import MerchantKind
from qunfang.community.services.merchants import NOTICE
from qunfang.core.forms import date_input


class MerchantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=MerchantKind.choices, initial=MerchantKind.RETAIL)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    is_open = forms.BooleanField(label=_("Open for business"), required=False)
    contact = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=None, required=False)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids


class VisitForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=date_input())
    is_open = forms.BooleanField(label=_("Found open"), required=False)
    findings = forms.CharField(label=_("Findings"), max_length=500, required=False)


class NoticeForm(forms.Form):
    notice = forms.CharField(label=_("Notice"), max_length=100, initial=NOTICE)
    day = forms.DateField(label=_("Day"), widget=date_input())
    signed_by = forms.CharField(label=_("Signed by"), max_length=50)
    with_staff_book = forms.BooleanField(
        label=_("Staff registration book given"), required=False, initial=True
    )


class StaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    job = forms.CharField(label=_("Job"), max_length=50, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False)


class HealthCheckForm(forms.Form):  # who: the page's own select of the merchant's staff
    day = forms.DateField(label=_("Day"), widget=date_input())
    temperature = forms.DecimalField(label=_("Temperature"), max_digits=4, decimal_places=1)
    symptoms = forms.BooleanField(label=_("Symptoms"), required=False)
