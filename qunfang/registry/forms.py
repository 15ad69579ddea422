from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.registry.models import Category, Status


class VeteranForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=40)
    phone = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)


class EditVeteranForm(VeteranForm):
    """Protected values are never put back into a form: blank keeps what is stored."""

    def __init__(self, *args, veteran, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("id_number", "phone"):
            self.fields[name].required = False
            self.fields[name].widget.attrs["placeholder"] = str(getattr(veteran, name) or "")
            self.fields[name].help_text = _("Leave blank to keep the stored value.")


class VeteranFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, ID number or mobile"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *Status.choices], required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices], required=False)
