from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input
from qunfang.hardship.models import RuleKind


def _money(label, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, max_length=20, required=required, help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )  # fmt: skip


class CaseForm(forms.Form):
    veteran = forms.ModelChoiceField(label=_("Veteran"), queryset=None)
    fund = forms.ModelChoiceField(label=_("Care fund"), queryset=None, empty_label=None)
    need = forms.CharField(label=_("The need"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What happened, and what the help is for."))  # fmt: skip
    situation = forms.CharField(
        label=_("The household's situation"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    household_size = forms.IntegerField(label=_("People in the household"), min_value=1, max_value=50,
                                        initial=1)  # fmt: skip
    household_income = _money(_("Household income in the last year (yuan)"), required=False)
    medical_costs = _money(
        _("Medical costs the family paid in the last year (yuan)"), required=False,
        help_text=_("After insurance: what the household paid itself."),
    )  # fmt: skip
    asked = _money(_("Amount asked (yuan)"))
    upload = forms.FileField(label=_("Attachment"), required=False,
                             help_text=_("A bill, a certificate: PDF or photo, 10 MB at most."))  # fmt: skip

    def __init__(self, *args, veterans, funds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["veteran"].queryset = veterans
        self.fields["fund"].queryset = funds


class SendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why help though a check fails"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class DecideForm(forms.Form):
    amount = _money(_("Amount approved (yuan)"), required=False)
    reason = forms.CharField(
        label=_("Reason or note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you return the case."),
    )  # fmt: skip


class PayForm(forms.Form):
    amount = _money(_("Amount paid (yuan)"))
    day = forms.DateField(label=_("Day paid"), widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=_("The bank transfer's number, or who received the cash."))  # fmt: skip


class FollowUpForm(forms.Form):
    day = forms.DateField(label=_("Day of the visit"), widget=date_input())
    note = forms.CharField(label=_("How the household is doing"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class AttachForm(forms.Form):
    upload = forms.FileField(label=_("Attachment"), help_text=_("PDF or photo, 10 MB at most."))


class FundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)


class DonationInForm(forms.Form):
    donation = forms.ModelChoiceField(label=_("Gift"), queryset=None)
    amount = _money(
        _("Amount (yuan)"), required=False, help_text=_("Empty: all of the gift not in a fund yet.")
    )
    day = forms.DateField(label=_("Day"), widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, donations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donation"].queryset = donations
        self.fields["donation"].label_from_instance = lambda gift: (
            f"{gift.receipt_number} · {gift.donor.name} · {gift.amount} · {gift.day:%Y-%m-%d}"
        )


class BudgetInForm(forms.Form):
    amount = _money(_("Amount (yuan)"))
    day = forms.DateField(label=_("Day"), widget=date_input())
    document = forms.CharField(
        label=_("Budget document"), max_length=100, help_text=_("For example 清财〔2019〕12号.")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Check"), choices=RuleKind.choices)
    amount = _money(_("Threshold (yuan)"), required=False, help_text=_("For the checks of money."))
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=120, required=False,
                                help_text=_("For the exclusion."))  # fmt: skip
