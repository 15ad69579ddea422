from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.messaging.models import Channel, Template
from qunfang.registry.models import Category


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

    def __init__(self, *args, templates, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates
        self.fields["places"].queryset = places

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "places": [place.pk for place in data.get("places") or []],
            "category": data.get("category") or "",
            "tag": (data.get("tag") or "").strip(),
        }
