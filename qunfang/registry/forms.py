from collections import Counter

from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.widgets import QuickSelect
from qunfang.registry import roll
from qunfang.registry.models import Category, Relation, ServiceBranch, Status


class VeteranForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=40)
    phone = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    service_branch = forms.ChoiceField(
        label=_("Service branch"), choices=[("", "—"), *ServiceBranch.choices], required=False
    )
    enlisted_year = forms.IntegerField(
        label=_("Year enlisted"), min_value=1930, max_value=2100, required=False
    )
    discharged_year = forms.IntegerField(
        label=_("Year discharged"), min_value=1930, max_value=2100, required=False
    )
    party_member = forms.BooleanField(label=_("Party member"), required=False)
    tags = forms.CharField(
        label=_("Tags"),
        max_length=300,
        required=False,
        help_text=_("Skills and marks, separated by commas: 医护, 驾驶员, 愿意做志愿者"),
    )
    sms_opt_out = forms.BooleanField(label=_("Does not want SMS"), required=False)

    def clean_tags(self):
        return [t for t in roll.TAG_SEPARATORS.split(self.cleaned_data["tags"]) if t]


class EditVeteranForm(VeteranForm):
    """Protected values are never put back into a form: blank keeps what is stored."""

    def __init__(self, *args, veteran, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("id_number", "phone"):
            self.fields[name].required = False
            self.fields[name].widget.attrs["placeholder"] = str(getattr(veteran, name) or "")
            self.fields[name].help_text = _("Leave blank to keep the stored value.")


class MoveVeteranForm(forms.Form):
    place = forms.ModelChoiceField(label=_("Moves to"), queryset=None)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["place"].label_from_instance = lambda p: f"{'　' * p.depth}{p.name}"


class FamilyMemberForm(forms.Form):
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)
    name = forms.CharField(label=_("Full name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=40, required=False)


class VeteranFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, ID number or mobile"), required=False)
    place = forms.ModelChoiceField(
        label=_("Place"), queryset=None, required=False, empty_label="—", widget=QuickSelect
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Status.choices], required=False, widget=QuickSelect
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "—"), *Category.choices], required=False, widget=QuickSelect
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=None, required=False, empty_label="—", widget=QuickSelect
    )

    def __init__(self, *args, places, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places
        self.fields["place"].label_from_instance = lambda p: f"{'　' * p.depth}{p.name}"
        self.fields["tag"].queryset = tags
        # Two places may each have a tag of the same name: the place tells them apart.
        names = Counter(tag.name for tag in tags)
        self.fields["tag"].label_from_instance = lambda t: (
            t.name if names[t.name] == 1 else f"{t.name} · {t.place.name}"
        )


class RollUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roll (.xlsx or .csv)"),
        help_text=_("A heading row such as 姓名, 身份证号, 联系电话, 所属村(社区) is recognized."),
    )


class ColumnMatchForm(forms.Form):
    """One choice per column of ours: which of the file's columns holds it."""

    def __init__(self, *args, headings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("", _("— not in the file —")),
            *((str(i), h or f"#{i + 1}") for i, h in enumerate(headings)),
        ]
        for key in roll.COLUMNS:
            self.fields[key] = forms.ChoiceField(
                label=roll.LABELS[key], choices=choices, required=key in roll.REQUIRED
            )

    def mapping(self) -> dict[str, int]:
        return {key: int(value) for key, value in self.cleaned_data.items() if value != ""}


class ConfirmImportForm(forms.Form):
    good_rows_only = forms.BooleanField(required=False)
