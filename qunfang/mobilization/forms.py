import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input
from qunfang.mobilization.models import ActivityType


class DayForm(forms.Form):
    """A station's day on one form: a count (and people reached, where counted) for every activity."""

    day = forms.DateField(label=_("Day"), widget=date_input())
    participants = forms.CharField(label=_("Who took part"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, types: list[ActivityType], **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("day", timezone.localdate())
        kwargs["initial"].setdefault("submission", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.types = types
        for kind in types:
            attrs = {"inputmode": "numeric", "min": "0", "placeholder": "0"}
            self.fields[f"count_{kind.code}"] = forms.IntegerField(
                label=f"{kind.name}（{kind.unit}）",
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


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=date_input())
    end = forms.DateField(label=_("To"), widget=date_input())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class CorrectionForm(forms.Form):
    count = forms.IntegerField(label=_("Right count"), min_value=0)
    people_reached = forms.IntegerField(
        label=_("Right number of people reached"), min_value=0, required=False
    )
    note = forms.CharField(label=_("Why"), max_length=500)
