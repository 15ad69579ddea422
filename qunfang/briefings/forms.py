"""Forms of the dashboards, briefings and notices. They only parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.briefings.models import NoticeKind
from qunfang.core.forms import PeriodForm


class DraftForm(PeriodForm):
    language = forms.ChoiceField(label=_("Language"), choices=[("zh-hans", "中文"), ("en", "English")])
    author = forms.CharField(label=_("Author line"), max_length=100, required=False)
    deeds = forms.ModelMultipleChoiceField(
        label=_("Deeds to tell (with their photos)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, deeds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deeds"].queryset = deeds


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    author = forms.CharField(label=_("Author line"), max_length=100, required=False)

    def __init__(self, *args, sections: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for n, part in enumerate(sections):
            self.fields[f"heading_{n}"] = forms.CharField(
                label=_("Section heading"), max_length=200, initial=part["heading"]
            )
            self.fields[f"text_{n}"] = forms.CharField(
                label=part["heading"],
                required=False,
                initial=part["text"],
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        self.count = len(sections)

    def sections(self) -> list[dict]:
        data = self.cleaned_data
        return [{"heading": data[f"heading_{n}"], "text": data[f"text_{n}"]} for n in range(self.count)]


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))
    signed = forms.CharField(label=_("Signed"), max_length=100)
