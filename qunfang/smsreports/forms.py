from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.smsreports.models import Outcome


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    holder = forms.CharField(label=_("Who holds it"), max_length=50, required=False)


class KeywordsForm(forms.Form):
    """One field per keyword: its aliases, as typed."""

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        for n, entry in enumerate(entries):
            self.fields[f"k{n}"] = forms.CharField(
                label=f"{entry.word}" + (f"（{entry.label}）" if entry.label else ""),
                max_length=100,
                required=False,
                initial=" ".join(entry.aliases),
            )
        self.targets = {f"k{n}": entry.target for n, entry in enumerate(entries)}

    def aliases(self) -> dict[str, str]:
        return {target: self.cleaned_data[name] for name, target in self.targets.items()}


class OutcomeFilter(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("All"))] + list(Outcome.choices)
    )
