from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.care.models import ContactKind, EventKind
from qunfang.core.forms import date_input


class ContactForm(forms.Form):
    submission = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kind = forms.ChoiceField(label=_("What"), choices=ContactKind.choices, widget=forms.RadioSelect)
    day = forms.DateField(label=_("Day"), widget=date_input())
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        help_text=_("A photo of the visit; 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),  # a phone offers its camera
    )
    gift_item = forms.ModelChoiceField(
        label=_("Gift from the stock"), queryset=None, required=False, empty_label=_("No gift")
    )
    gift_quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=1000, required=False)
    round = forms.ModelChoiceField(
        label=_("For the festival round"), queryset=None, required=False, empty_label=_("None")
    )

    def __init__(self, *args, items, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gift_item"].queryset = items
        self.fields["round"].queryset = rounds
        if not rounds:
            del self.fields["round"]


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), choices=EventKind.choices)
    day = forms.DateField(label=_("Day"), widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CategoriesForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("A category of the bureau's own"), max_length=40)


class _Who(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        label=_("Of these categories (none: everyone)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("With these tags (none: any)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    older_than = forms.IntegerField(label=_("Older than (years)"), min_value=1, max_value=129, required=False)

    def __init__(self, *args, categories, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories
        self.fields["tags"].queryset = tags


class RuleForm(_Who):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("What"), choices=ContactKind.choices)
    every_months = forms.IntegerField(label=_("Every (months)"), min_value=1, max_value=120, required=False)
    starts = forms.DateField(label=_("First due"), widget=date_input())
    town_after_days = forms.IntegerField(
        label=_("Up to the town after (days overdue)"), min_value=0, max_value=3650, initial=7
    )
    district_after_days = forms.IntegerField(
        label=_("Up to the district after (days overdue)"), min_value=0, max_value=3650, initial=30
    )
    active = forms.BooleanField(label=_("In force"), required=False, initial=True)

    field_order = ["name", "kind", "every_months", "starts", "categories", "tags", "older_than"]


class RoundForm(_Who):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("2019年春节走访慰问"))
    day = forms.DateField(label=_("Visit by"), widget=date_input())
    gift_item = forms.ModelChoiceField(
        label=_("Gift"), queryset=None, required=False, empty_label=_("No gift")
    )
    gift_quantity = forms.IntegerField(
        label=_("Gift per person"), min_value=1, max_value=1000, required=False
    )

    field_order = ["name", "day", "categories", "tags", "older_than", "gift_item", "gift_quantity"]

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gift_item"].queryset = items
