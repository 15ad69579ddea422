from django import forms
from django.utils.translation import gettext_lazy as _

from qunfang.core.forms import date_input

LINE_ROWS = 4  # items on the posting form: the reports' needs name two or three


def _quantity_field(label, required=True, help_text="") -> forms.CharField:
    # Text, not a number input: the service says what is wrong with "12.5" or "1e9" in words.
    return forms.CharField(
        label=label,
        max_length=12,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class NeedForm(forms.Form):
    title = forms.CharField(label=_("What is needed"), max_length=100)
    why = forms.CharField(
        label=_("Why"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    by_date = forms.DateField(label=_("Needed by"), required=False, widget=date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(LINE_ROWS):
            self.fields[f"item_{n}"] = forms.CharField(label=_("Item"), max_length=60, required=n == 0)
            self.fields[f"unit_{n}"] = forms.CharField(
                label=_("Unit"), max_length=10, required=n == 0, help_text=_("瓶, 件, 箱 …")
            )
            self.fields[f"quantity_{n}"] = _quantity_field(_("Quantity"), required=n == 0)

    def lines(self) -> list[tuple[tuple[str, str], str]]:
        data = self.cleaned_data
        return [
            ((data[f"item_{n}"], data[f"unit_{n}"]), data[f"quantity_{n}"])
            for n in range(LINE_ROWS)
            if data.get(f"item_{n}") or data.get(f"quantity_{n}")
        ]


class CommitForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Item"), queryset=None, empty_label=None)
    donor_name = forms.CharField(label=_("Donor"), max_length=100)
    named_publicly = forms.BooleanField(
        label=_("The donor agrees to be named on the public page"), required=False
    )
    drive = forms.ModelChoiceField(label=_("Drive"), queryset=None, required=False)
    quantity = _quantity_field(_("Quantity promised"))

    def __init__(self, *args, lines, drives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["line"].label_from_instance = lambda line: (
            _("%(item)s (%(free)s %(unit)s still free)")
            % {"item": line.item.name, "free": line.free, "unit": line.item.unit}
        )
        self.fields["drive"].queryset = drives


class DeliveryForm(forms.Form):
    commitment = forms.ModelChoiceField(
        label=_("Against the commitment of"),
        queryset=None,
        required=False,
        empty_label=_("None: goods from elsewhere"),
    )
    from_place = forms.ChoiceField(label=_("Taken from the stock of"), required=False)
    day = forms.DateField(label=_("Day"), widget=date_input())
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=50)
    received_by = forms.CharField(label=_("Received by"), max_length=50)

    def __init__(self, *args, lines, promises, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].queryset = promises
        self.fields["commitment"].label_from_instance = lambda c: (
            _("%(donor)s: %(owed)s %(unit)s of %(item)s")
            % {"donor": c.donor_name, "owed": c.owed, "unit": c.line.item.unit, "item": c.line.item.name}
        )
        self.fields["from_place"].choices = [
            ("", _("None: it came straight from the donor")),
            *((str(p.pk), p.name) for p in places),
        ]
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"quantity_{line.pk}"] = _quantity_field(
                _("%(item)s (%(unit)s)") % {"item": line.item.name, "unit": line.item.unit},
                required=False,
                help_text=_("%(missing)s still missing") % {"missing": line.missing},
            )
        quantities = [f"quantity_{line.pk}" for line in self.lines]
        self.order_fields(["commitment", *quantities, "from_place", "day", "delivered_by", "received_by"])

    def quantities(self) -> list[tuple[object, str]]:
        return [(line, self.cleaned_data.get(f"quantity_{line.pk}", "")) for line in self.lines]
