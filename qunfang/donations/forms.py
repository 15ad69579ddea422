from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input
from qunfang.donations.models import DonorKind, MoveKind

PARTS = 3  # designation lines on the form: the reports never split a gift more than this


class CashForm(forms.Form):
    submission = forms.CharField(widget=forms.HiddenInput)
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=None, required=False,
                                   empty_label=_("A new donor (below)"))  # fmt: skip
    donor_name = forms.CharField(label=_("New donor's name"), max_length=100, required=False)
    donor_kind = forms.ChoiceField(label=_("Kind"), choices=DonorKind.choices, initial=DonorKind.PERSON)
    donor_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    drive = forms.ModelChoiceField(label=_("Drive"), queryset=None, required=False)
    day = forms.DateField(label=_("Day"), widget=date_input())
    amount = forms.CharField(
        label=_("Amount (yuan)"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    receipt_number = forms.CharField(
        label=_("Receipt number"), max_length=40, required=False,
        help_text=_("The paper receipt's number; empty: the next number of this place's year."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, donors, drives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = donors
        self.fields["drive"].queryset = drives
        # What the parts leave over is undesignated; the service checks each is the chosen drive's.
        _designation_fields(
            self, list(dict.fromkeys(d for drive in drives for d in drive.designation_choices))
        )

    def designations(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [(data.get(f"purpose_{n}", ""), data.get(f"part_{n}", "")) for n in range(PARTS)]


class CorrectCashForm(forms.Form):
    amount = forms.CharField(label=_("Amount (yuan)"), max_length=20)

    def __init__(self, *args, choices: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        _designation_fields(self, choices)

    designations = CashForm.designations


def _designation_fields(form: forms.Form, choices: list[str]) -> None:
    """The designation lines of a gift's form: each a purpose chosen from `choices` (the drive's, one
    purpose one line of the totals; the service checks them) and its amount. None without choices."""
    for n in range(PARTS if choices else 0):
        form.fields[f"purpose_{n}"] = forms.ChoiceField(
            label=_("Designated for"), required=False, choices=[("", "—"), *((c, c) for c in choices)]
        )
        form.fields[f"part_{n}"] = forms.CharField(
            label=_("Amount for it (yuan)"), max_length=20, required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        )  # fmt: skip


class DriveForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    designations = forms.CharField(
        label=_("Designations a gift may carry"),
        required=False,
        max_length=1300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, as the totals will name them; what a gift does not designate is undesignated."
        ),
    )

    def clean_designations(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["designations"].splitlines() if line.strip()]

    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("Until"), widget=date_input(), required=False)
    target = forms.CharField(label=_("Target (yuan)"), max_length=20, required=False)


class HandOverForm(forms.Form):
    donations = forms.ModelMultipleChoiceField(
        label=_("Donations"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    recipient = forms.CharField(label=_("Recipient"), max_length=100)
    day = forms.DateField(label=_("Day"), widget=date_input())
    signed_by = forms.CharField(label=_("Signed for by"), max_length=50)

    def __init__(self, *args, waiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donations"].queryset = waiting
        self.fields["donations"].label_from_instance = lambda d: (
            f"{d.receipt_number} · {d.donor} · {d.amount} 元"
        )


class ReceiveForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=60)
    unit = forms.CharField(label=_("Unit"), max_length=10, help_text=_("bottle, piece, box…"))
    quantity = forms.IntegerField(label=_("Quantity"))
    day = forms.DateField(label=_("Day"), widget=date_input())
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=None, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, donors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = donors


class TakeOutForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Item"), queryset=None)
    quantity = forms.IntegerField(label=_("Quantity"))
    kind = forms.ChoiceField(
        label=_("How"), choices=[(kind.value, kind.label) for kind in (MoveKind.USED, MoveKind.WRITTEN_OFF)]
    )
    day = forms.DateField(label=_("Day"), widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels
        self.fields["level"].label_from_instance = lambda level: f"{level.item} · {level.on_hand}"


class DeliveryForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Item"), queryset=None)
    quantity = forms.IntegerField(label=_("Quantity"))
    to_place = forms.ModelChoiceField(label=_("To a place"), queryset=None, required=False)
    to_team = forms.ModelChoiceField(label=_("Or to a team"), queryset=None, required=False)
    to_person = forms.CharField(label=_("Or to a person"), max_length=100, required=False)
    day = forms.DateField(label=_("Day"), widget=date_input())
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=50)
    received_by = forms.CharField(label=_("Received by"), max_length=50)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, levels, places, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels
        self.fields["level"].label_from_instance = lambda level: f"{level.item} · {level.on_hand}"
        self.fields["to_place"].queryset = places
        self.fields["to_team"].queryset = teams
