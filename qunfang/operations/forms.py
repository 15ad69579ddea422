"""Forms of a bureau's operations pages. They only parse input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import MOMENT_FORMATS, date_input, moment_input
from qunfang.operations.models import GroupRole, LeaveKind, MeasureKind, Symptom, TaskStatus, WorkMode

TEMPERATURE_INPUT = forms.TextInput(
    attrs={"inputmode": "decimal", "placeholder": "36.5", "autocomplete": "off"}
)


class SectionForm(forms.Form):
    name = forms.CharField(label=_("Section"), max_length=60)
    duties = forms.CharField(label=_("Duties"), max_length=300, required=False)


class StaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    title = forms.CharField(label=_("Post"), max_length=60, required=False)
    section = forms.ModelChoiceField(label=_("Section"), queryset=None, required=False)
    phone = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        help_text=_("For the check-in reminders. Leave empty to keep the number on record."),
    )
    user = forms.ModelChoiceField(
        label=_("User account"),
        queryset=None,
        required=False,
        help_text=_("With an account, the person checks in and sees their tasks themselves."),
    )
    active = forms.BooleanField(label=_("Still on the staff"), required=False, initial=True)

    def __init__(self, *args, sections, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
        self.fields["user"].queryset = users


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Group"), max_length=100, initial=_("Leading group for epidemic prevention")
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    formed_on = forms.DateField(label=_("Formed on"), widget=date_input())


class GroupMemberForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Person"), queryset=None)
    role = forms.ChoiceField(
        label=_("Role in the group"), choices=GroupRole.choices, initial=GroupRole.MEMBER
    )
    responsibility = forms.CharField(label=_("Responsible for"), max_length=300, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To"), widget=date_input())
    text = forms.CharField(
        label=_("Text of the plan"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


# The owner field's values: "staff:12", "section:3", "station:42", "team:7", or "below:42" (every station
# one level below place 42 at once).
OWNER_KINDS = ("staff", "section", "station", "team", "below")


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = forms.ChoiceField(label=_("Given to"))
    due = forms.DateField(label=_("Due"), widget=date_input())
    detail = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, owners: list[tuple[str, list[tuple[str, str]]]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "---------"), *owners]

    def clean_owner(self):
        kind, _colon, pk = self.cleaned_data["owner"].partition(":")
        if kind not in OWNER_KINDS or not pk.isdigit():
            raise forms.ValidationError(_("Choose who the task is given to."))
        return kind, int(pk)


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    note = forms.CharField(
        label=_("Progress"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckInForm(forms.Form):
    temperature = forms.CharField(label=_("Temperature (°C)"), max_length=6, widget=TEMPERATURE_INPUT)
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms (none: leave empty)"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    whereabouts = forms.CharField(label=_("Where I am today"), max_length=100)
    mode = forms.ChoiceField(
        label=_("Working"), choices=WorkMode.choices, initial=WorkMode.AT_WORK, widget=forms.RadioSelect
    )
    came_back_from = forms.CharField(
        label=_("Came back from elsewhere (where)"), max_length=100, required=False
    )
    came_back_on = forms.DateField(label=_("Came back on"), required=False, widget=date_input())


class ReturnScreeningForm(forms.Form):
    first_day = forms.DateField(label=_("First day back at work"), widget=date_input())
    came_from = forms.CharField(label=_("Coming back from"), max_length=100)
    arrived_on = forms.DateField(label=_("Arrived on"), required=False, widget=date_input())
    risk_area = forms.BooleanField(label=_("Was in or passed through a risk area"), required=False)
    contact = forms.BooleanField(label=_("Had contact with a confirmed or suspected case"), required=False)
    observed_days = forms.IntegerField(
        label=_("Days of home observation done"), min_value=0, max_value=60, initial=0
    )
    temperature = forms.CharField(label=_("Temperature (°C)"), max_length=6, widget=TEMPERATURE_INPUT)
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), choices=Symptom.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class LeaveForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Person"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=LeaveKind.choices)
    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To (inclusive)"), widget=date_input())
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff


class ShiftForm(forms.Form):
    start = forms.DateTimeField(label=_("From"), widget=moment_input(), input_formats=MOMENT_FORMATS)
    end = forms.DateTimeField(label=_("To"), widget=moment_input(), input_formats=MOMENT_FORMATS)
    leader = forms.ModelChoiceField(label=_("Leader on duty"), queryset=None, required=False)
    staff = forms.ModelMultipleChoiceField(
        label=_("On duty"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    handover_note = forms.CharField(
        label=_("Handover note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = staff
        self.fields["staff"].queryset = staff


class HandoverForm(forms.Form):
    handover_note = forms.CharField(label=_("Handover note"), widget=forms.Textarea(attrs={"rows": 4}))


class MeasureForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=date_input())
    site = forms.CharField(
        label=_("Where"), max_length=100, help_text=_("For example: office building, hall, car")
    )
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    done_by = forms.CharField(label=_("Done by"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
