from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input
from qunfang.petitions.models import Kind

OTHER_PETITIONERS = 2  # a joint petition's further names on the form; a larger group is counted in `people`


class FoundForm(forms.Form):
    submission = forms.CharField(widget=forms.HiddenInput)
    veteran = forms.ModelChoiceField(label=_("Petitioner"), queryset=None)
    subject = forms.CharField(label=_("Subject"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.OTHER)
    matter = forms.CharField(
        label=_("What was raised"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    day = forms.DateField(label=_("Found on"), widget=date_input())
    people = forms.IntegerField(
        label=_("People who raised it"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("For a group: everyone who raised it, on the roll or not. Empty: the petitioners named."),
    )

    def __init__(self, *args, veterans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["veteran"].queryset = veterans
        for n in range(OTHER_PETITIONERS):
            self.fields[f"also_{n}"] = forms.ModelChoiceField(
                label=_("Petitioner with them"),
                queryset=veterans,
                required=False,
                help_text=_("Only for a petition raised jointly with others on the roll."),
            )
        # the joint petitioners and the group's size after what every petition needs
        joint = [f"also_{n}" for n in range(OTHER_PETITIONERS)]
        self.order_fields(["submission", "veteran", "subject", "kind", "matter", "day", *joint, "people"])

    def petitioners(self) -> list:
        data = self.cleaned_data
        return [v for v in [data["veteran"], *(data.get(f"also_{n}") for n in range(OTHER_PETITIONERS))] if v]


class RegisterForm(forms.Form):
    day = forms.DateField(label=_("Registered on"), widget=date_input())
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None)
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class ResolveForm(forms.Form):
    day = forms.DateField(label=_("Resolved on"), widget=date_input())
    answer = forms.CharField(
        label=_("Answer given"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RevisitForm(forms.Form):
    day = forms.DateField(label=_("Visited again on"), widget=date_input())
    satisfied = forms.TypedChoiceField(
        label=_("Was the petitioner satisfied with the answer?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the petitioner said"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=None)
    note = forms.CharField(label=_("Why"), max_length=2000, required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn"), max_length=2000)


class ScreeningForm(forms.Form):
    people = forms.IntegerField(label=_("People screened"), min_value=0, max_value=100_000)
    risks = forms.IntegerField(label=_("Risks found"), min_value=0, max_value=100_000)
    note = forms.CharField(
        label=_("What was found"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who, what risk, what is done about it. Needed when a risk was found."),
    )


class DeadlinesForm(forms.Form):
    register_days = forms.IntegerField(label=_("Days to register once found"), min_value=1, max_value=365)
    resolve_days = forms.IntegerField(label=_("Days to resolve once registered"), min_value=1, max_value=365)
    revisit_days = forms.IntegerField(
        label=_("Days to visit again once resolved"), min_value=1, max_value=365
    )
    escalate_after_days = forms.IntegerField(
        label=_("Days late before the district is told"),
        min_value=1,
        max_value=365,
        help_text=_("A late step shows at once on the town's list; this many days later on the district's."),
    )
