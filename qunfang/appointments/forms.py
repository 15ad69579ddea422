"""Forms of the appointment pages. They only parse input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input

WEEKDAYS = [
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
]  # fmt: skip


def time_input() -> forms.TimeInput:
    return forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class HallForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    closed_from = forms.DateField(label=_("Closed to the public from"), required=False, widget=date_input())
    closed_reason = forms.CharField(label=_("Why it is closed"), max_length=200, required=False)
    reopens_on = forms.DateField(label=_("Reopens on"), required=False, widget=date_input())


class SlotsForm(forms.Form):
    """Slots in bulk: every chosen weekday between two days, a morning and an afternoon cut into slots."""

    first_day = forms.DateField(label=_("From"), widget=date_input())
    last_day = forms.DateField(label=_("Until"), widget=date_input())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On"),
        choices=WEEKDAYS,
        coerce=int,
        initial=[0, 1, 2, 3, 4],
        widget=forms.CheckboxSelectMultiple,
    )
    morning_from = forms.TimeField(label=_("Morning from"), required=False, widget=time_input())
    morning_until = forms.TimeField(label=_("Morning until"), required=False, widget=time_input())
    afternoon_from = forms.TimeField(label=_("Afternoon from"), required=False, widget=time_input())
    afternoon_until = forms.TimeField(label=_("Afternoon until"), required=False, widget=time_input())
    minutes = forms.IntegerField(label=_("Minutes a slot"), min_value=5, max_value=480, initial=30)
    capacity = forms.IntegerField(label=_("People a slot"), min_value=1, max_value=500, initial=6)
    purpose = forms.CharField(label=_("For (blank: anything)"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        periods = []
        for part in ("morning", "afternoon"):
            start, end = data.get(f"{part}_from"), data.get(f"{part}_until")
            if (start is None) != (end is None):
                self.add_error(f"{part}_until", _("Give both the start and the end, or neither."))
            elif start is not None:
                periods.append((start, end))
        if not periods and not self.errors:
            raise forms.ValidationError(_("Give the morning's or the afternoon's hours."))
        data["periods"] = periods
        return data


class BookForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    purpose = forms.CharField(label=_("What for"), max_length=200, required=False)


class StaffBookForm(BookForm):
    veteran = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)


class MarkForm(forms.Form):
    appointment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    outcome = forms.ChoiceField(
        choices=[("came", _("Came")), ("missed", _("Missed")), ("cancel", _("Cancel"))]
    )
