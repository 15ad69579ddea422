import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input
from qunfang.reporting.models import DataSet, Report


def default_period(data_set: DataSet):
    """The period a station most likely means: before the deadline hour, yesterday's (still due);
    after it, today's."""
    now = timezone.localtime()
    return now.date() - timedelta(days=1) if now.hour < data_set.deadline_hour else now.date()


class ReportForm(forms.Form):
    """A place's report of a period: a whole number per field, or the "zero report" button."""

    period_start = forms.DateField(label=_("Day"), widget=date_input())
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, data_set: DataSet, report: Report | None = None, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("submission", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.data_set = data_set
        current = report.values if report and not report.zero else {}
        for field in data_set.fields.all():
            self.fields[field.code] = forms.IntegerField(
                label=f"{field.name}（{field.unit}）",
                required=False,
                min_value=0,
                initial=current.get(field.code),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "placeholder": "0"}),
            )

    def figure_fields(self):
        return [self[field.code] for field in self.data_set.fields.all()]

    def values(self) -> dict[str, int]:
        return {field.code: self.cleaned_data.get(field.code) or 0 for field in self.data_set.fields.all()}


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it goes back"), max_length=300)
