from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.community.models import RequestCategory, RequestChannel


class RequestForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How it came"), choices=RequestChannel.choices, initial=RequestChannel.PHONE
    )
    category = forms.ChoiceField(label=_("Category"), choices=RequestCategory.choices)
    text = forms.CharField(
        label=_("Request or question"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    building = forms.CharField(label=_("Building"), max_length=20, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    room = forms.CharField(label=_("Room"), max_length=10, required=False)


class AssignForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Staff member"), queryset=None, required=False)
    volunteer = forms.ModelChoiceField(label=_("Or a volunteer"), queryset=None, required=False)

    def __init__(self, *args, people, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["volunteer"].queryset = volunteers


class AnswerForm(forms.Form):
    standard = forms.ModelChoiceField(label=_("A standard answer"), queryset=None, required=False)
    answer = forms.CharField(
        label=_("Or in your words"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard"].queryset = answers


class StandardAnswerForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=RequestCategory.choices)
    question = forms.CharField(label=_("Question"), max_length=200)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))
