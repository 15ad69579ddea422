import uuid
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input
from qunfang.core.models import Level
from qunfang.lib.numbers import with_unit
from qunfang.reporting.models import DataSet, Periodicity, Report, Rule


def default_period(data_set: DataSet):
    """The period a station most likely means: before the deadline hour, the last one (still due);
    after it, the current one. Weekly periods start on Mondays."""
    now = timezone.localtime()
    if data_set.periodicity == "weekly":
        monday = now.date() - timedelta(days=now.weekday())
        due_today = now.weekday() == 0 and now.hour < data_set.deadline_hour
        return monday - timedelta(days=7) if due_today else monday
    return now.date() - timedelta(days=1) if now.hour < data_set.deadline_hour else now.date()


class ReportForm(forms.Form):
    """A place's report of a period: a whole number per field, or the "zero report" button."""

    period_start = forms.DateField(label=_("Day"), widget=date_input())
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The report as the form was opened: "period:number of versions". A form kept on a phone for days
    # and sent after someone else sent the period again is refused rather than overwriting theirs.
    based_on = forms.CharField(widget=forms.HiddenInput, max_length=30, required=False)

    def __init__(self, *args, data_set: DataSet, report: Report | None = None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission", uuid.uuid4().hex)
        if "period_start" in kwargs["initial"]:
            versions = report.versions.count() if report else 0
            kwargs["initial"].setdefault("based_on", f"{kwargs['initial']['period_start']}:{versions}")
        super().__init__(*args, **kwargs)
        self.data_set = data_set
        current = report.values if report and not report.zero else {}
        for field in data_set.fields.all():
            self.fields[field.code] = forms.IntegerField(
                label=with_unit(field.name, field.unit),
                required=False,
                min_value=0,
                initial=current.get(field.code),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "placeholder": "0"}),
            )

    def clean_based_on(self) -> tuple[date, int | None] | None:
        # Written by the page itself: anything else (an old page, a hand-made request) means "not known".
        day, _colon, versions = (self.cleaned_data.get("based_on") or "").partition(":")
        count = int(versions) if versions.isdigit() and len(versions) < 7 else None
        try:
            return date.fromisoformat(day), count
        except ValueError:
            return None

    def base_version(self) -> int | None:
        """How many versions the report had when the form was opened, if it was opened for this period."""
        based = self.cleaned_data.get("based_on")
        if not based or based[1] is None or based[0] != self.cleaned_data.get("period_start"):
            return None
        return based[1]

    def figure_fields(self):
        return [self[field.code] for field in self.data_set.fields.all()]

    def values(self) -> dict[str, int]:
        return {field.code: self.cleaned_data.get(field.code) or 0 for field in self.data_set.fields.all()}


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it goes back"), max_length=300)


class DataSetForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Letters, digits and underscores, such as flood_daily.")
    )
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=80)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    level = forms.ChoiceField(label=_("Reported by"), choices=Level.choices, initial=Level.VILLAGE)
    periodicity = forms.ChoiceField(label=_("Period"), choices=Periodicity.choices)
    deadline_hour = forms.IntegerField(
        label=_("Due at this hour the next day"), min_value=0, max_value=23, initial=10
    )
    remind_hours_before = forms.IntegerField(
        label=_("Remind this many hours before"), min_value=0, max_value=23, initial=2
    )


class FieldRow(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=80)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)


class RuleRow(forms.Form):
    left = forms.ChoiceField(label=_("Field"))
    operator = forms.ChoiceField(label=_("must be"), choices=Rule.Operator.choices)
    right = forms.ChoiceField(label=_("Field"))

    def __init__(self, *args, codes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left"].choices = self.fields["right"].choices = codes


FieldRows = forms.formset_factory(FieldRow, extra=3)
RuleRows = forms.formset_factory(RuleRow, extra=2)
