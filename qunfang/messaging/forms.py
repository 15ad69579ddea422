from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import MOMENT_FORMATS, date_input, moment_input
from qunfang.messaging.models import AudienceKind, CallOutcome, Channel, Template
from qunfang.registry.models import Category

AUDIENCE_KINDS = [
    ("veterans", _("Veterans")),
    ("team", _("Volunteers of a team")),
    ("not_reported", _("Stations that have not reported")),
]


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.SMS)
    body = forms.CharField(
        label=_("Text"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("{name} becomes the veteran's name, {place} their village or community."),
    )
    provider_code = forms.CharField(label=_("Provider's template code"), max_length=40, required=False)
    approved = forms.BooleanField(
        label=_("Approved for use"),
        required=False,
        help_text=_("An SMS template only once the SMS provider has approved it."),
    )


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    template = forms.ModelChoiceField(label=_("Template"), queryset=Template.objects.none())
    kind = forms.ChoiceField(label=_("Send to"), choices=AUDIENCE_KINDS, initial="veterans", required=False)
    places = forms.ModelMultipleChoiceField(
        label=_("Only these places"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the whole area."),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any"))] + Category.choices, required=False
    )
    tag = forms.CharField(label=_("Tag"), max_length=30, required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False)
    data_set = forms.ModelChoiceField(label=_("Report not sent"), queryset=None, required=False)
    day = forms.DateField(label=_("Day"), required=False, widget=date_input(), help_text=_("Empty: today."))
    callers = forms.ModelMultipleChoiceField(
        label=_("Callers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Phone calls: the call list is split among them."),
    )

    def __init__(self, *args, templates, places, teams, data_sets, callers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["places"].queryset = places
        self.fields["team"].queryset = teams
        self.fields["data_set"].queryset = data_sets
        self.fields["callers"].queryset = callers
        self.fields["callers"].label_from_instance = lambda user: user.full_name or user.username
        # Headings in the form: which fields belong to which audience.
        for name, heading in (
            ("places", _("When sending to veterans")),
            ("team", _("When sending to a team's volunteers")),
            ("data_set", _("When sending to stations that have not reported")),
            ("callers", _("When the template is a call script")),
        ):
            self.fields[name].group = heading

    def clean(self):
        data = super().clean()
        if data.get("kind") == "team" and not data.get("team"):
            self.add_error("team", _("Choose the team."))
        if data.get("kind") == "not_reported" and not data.get("data_set"):
            self.add_error("data_set", _("Choose the report."))
        template = data.get("template")
        if template and template.channel == Channel.PHONE and not data.get("callers"):
            self.add_error("callers", _("Choose who makes the calls."))
        return data

    def filters(self) -> dict:
        data = self.cleaned_data
        kind = data.get("kind") or "veterans"
        if kind == "team":
            chosen = {"team": data["team"].pk}
        elif kind == "not_reported":
            chosen = {
                "data_set": data["data_set"].pk,
                "day": data["day"].isoformat() if data.get("day") else "",
            }
        else:
            chosen = {
                "places": [place.pk for place in data.get("places") or []],
                "category": data.get("category") or "",
                "tag": (data.get("tag") or "").strip(),
            }
        return {"kind": kind, **chosen, "callers": [user.pk for user in data.get("callers") or []]}


class CallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        widget=moment_input(),
        input_formats=MOMENT_FORMATS,
    )


class OutsideCampaignForm(forms.Form):
    """A campaign sent through another platform, as its receipt says."""

    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)
    day = forms.DateField(label=_("Day sent"), widget=date_input())
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Channel.choices if c[0] != Channel.CONSOLE],
        initial=Channel.SMS,
    )
    audience = forms.ChoiceField(label=_("Sent to"), choices=AudienceKind.choices)
    platform = forms.CharField(
        label=_("Platform"), max_length=60, help_text=_("企信通, a provider's console …")
    )
    sent = forms.IntegerField(label=_("Messages sent"), min_value=1, max_value=10_000_000)
    receipt = forms.FileField(
        label=_("The platform's receipt"),
        required=False,
        help_text=_("PDF, photo, spreadsheet or text; 10 MB at most."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
