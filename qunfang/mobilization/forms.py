import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input
from qunfang.lib.numbers import with_unit
from qunfang.mobilization.models import ActivityType, Availability, Skill, Team, Volunteer, VolunteerStatus


def _photo_field(label=None) -> forms.FileField:
    # A plain file field: the service checks the file and says what is wrong with it in our words.
    return forms.FileField(
        label=label or _("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class DayForm(forms.Form):
    """A station's day on one form: a count (and people reached, where counted) for every activity."""

    day = forms.DateField(label=_("Day"), widget=date_input())
    participants = forms.CharField(label=_("Who took part"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    volunteers = forms.ModelMultipleChoiceField(
        label=_("Volunteers who took part"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo = _photo_field()
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # Asked for only when the day already has records: Back and Save again must not count twice.
    add_to_recorded = forms.BooleanField(
        label=_("This is more work, on top of what is already recorded for the day"), required=False
    )

    def __init__(self, *args, types: list[ActivityType], volunteers=None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("day", timezone.localdate())
        kwargs["initial"].setdefault("submission", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.types = types
        if volunteers is not None:
            self.fields["volunteers"].queryset = volunteers
        for kind in types:
            attrs = {"inputmode": "numeric", "min": "0", "placeholder": "0"}
            self.fields[f"count_{kind.code}"] = forms.IntegerField(
                label=with_unit(kind.name, kind.unit),
                required=False,
                min_value=0,
                widget=forms.NumberInput(attrs=attrs),
            )
            if kind.counts_people_reached:
                self.fields[f"reached_{kind.code}"] = forms.IntegerField(
                    label=_("people reached"),
                    required=False,
                    min_value=0,
                    widget=forms.NumberInput(attrs=attrs),
                )

    def rows(self):
        """The activity fields paired for the template: (type, count field, reached field or None)."""
        for kind in self.types:
            reached = self[f"reached_{kind.code}"] if kind.counts_people_reached else None
            yield kind, self[f"count_{kind.code}"], reached

    def counts(self) -> list[tuple[ActivityType, int, int]]:
        data = self.cleaned_data
        return [(k, data.get(f"count_{k.code}") or 0, data.get(f"reached_{k.code}") or 0) for k in self.types]


class CorrectionForm(forms.Form):
    count = forms.IntegerField(label=_("Right count"), min_value=0)
    people_reached = forms.IntegerField(
        label=_("Right number of people reached"), min_value=0, required=False
    )
    note = forms.CharField(label=_("Why"), max_length=500)


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    availability = forms.ChoiceField(label=_("When can you help"), choices=Availability.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class VolunteerEditForm(VolunteerForm):
    status = forms.ChoiceField(label=_("Status"), choices=VolunteerStatus.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ID number is who the person is; a wrong one is a new volunteer, not an edit.
        del self.fields["id_number"]
        self.fields["phone"].required = False
        self.fields["phone"].help_text = _("Leave empty to keep the number on file.")


class SignUpForm(VolunteerForm):
    consent = forms.BooleanField(
        label=_("I agree that the station keeps these details to organise volunteers."), required=True
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    duties = forms.CharField(label=_("Duties"), max_length=300, required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Volunteer.objects.none(), required=False)

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = volunteers
        self.fields["leader"].queryset = volunteers


class DeploymentForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Person"), queryset=Volunteer.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("or team"), queryset=Team.objects.none(), required=False)
    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To"), widget=date_input())
    task = forms.CharField(label=_("Task"), max_length=300)

    def __init__(self, *args, volunteers, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        self.fields["team"].queryset = teams


class DeedForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=date_input())
    volunteer = forms.ModelChoiceField(
        label=_("Volunteer"), queryset=Volunteer.objects.none(), required=False
    )
    person = forms.CharField(
        label=_("Who"), max_length=100, required=False, help_text=_("Anyone not in the list of volunteers.")
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    story = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers
        for n in (1, 2, 3):
            self.fields[f"photo{n}"] = _photo_field(_("Photo %(n)s") % {"n": n})
            self.fields[f"caption{n}"] = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("volunteer") and not (data.get("person") or "").strip():
            self.add_error("person", _("Say whose deed it is."))
        return data

    def photos(self) -> list:
        data = self.cleaned_data
        return [(data[f"photo{n}"], data[f"caption{n}"]) for n in (1, 2, 3) if data.get(f"photo{n}")]


class PhotoForm(forms.Form):
    photo = _photo_field()
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].required = True
