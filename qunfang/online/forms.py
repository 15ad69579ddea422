"""The forms of services online: an application built from the service's fields and documents (photos
from the phone's camera), a reviewer's approve-or-return, and a bureau's service with its fields,
documents and path written a line each ("label | kind | required | options")."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qunfang.online.models import ActingLevel, FieldKind, ReviewStepKind

CAMERA = {"accept": "image/*", "capture": "environment"}
YES = {"required", "yes", "y", "1", "必填", "是"}


def _answer_field(field: dict, required: bool) -> forms.Field:
    label, kind = field["label"], field["kind"]
    if kind == FieldKind.CHOICE:
        choices = [("", "—")] + [(option, option) for option in field["options"]]
        return forms.ChoiceField(label=label, choices=choices, required=required)
    if kind == FieldKind.DATE:
        return forms.CharField(
            label=label, required=required, max_length=10, widget=forms.DateInput(attrs={"type": "date"})
        )
    attrs = {"inputmode": "decimal"} if kind == FieldKind.NUMBER else {}
    return forms.CharField(
        label=label, required=required, max_length=500, widget=forms.TextInput(attrs=attrs)
    )


class ApplicationForm(forms.Form):
    """The service's fields by their labels, then a photo for each document (`photo_<n>`). On sending
    again, a document already held need not be taken again."""

    def __init__(self, *args, service, held: frozenset = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        for field in service.fields:
            self.fields[field["label"]] = _answer_field(field, field["required"])
        for index, document in enumerate(service.documents):
            needed = document["required"] and document["label"] not in held
            help_text = (
                _("Held already: take it again only to replace it.") if document["label"] in held else ""
            )
            self.fields[f"photo_{index}"] = forms.FileField(
                label=document["label"],
                required=needed,
                help_text=help_text,
                widget=forms.ClearableFileInput(attrs=CAMERA),
            )

    def answers(self) -> dict[str, str]:
        return {field["label"]: self.cleaned_data.get(field["label"]) or "" for field in self.service.fields}

    def photos(self) -> dict:
        found = {}
        for index, document in enumerate(self.service.documents):
            if upload := self.cleaned_data.get(f"photo_{index}"):
                found[document["label"]] = upload
        return found


class ReviewForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=100)
    reason = forms.CharField(
        label=_("Reason (to return it)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the veteran should amend: the veteran reads it."),
    )


def _lines(text: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("|")] for line in (text or "").splitlines() if line.strip()]


# What a bureau's clerk types for a level or a step: besides each key and label, the short words.
SHORT_WORDS = {
    "村": "village",
    "社区": "village",
    "镇": "town",
    "街道": "town",
    "区": "district",
    "县": "district",
    "市": "city",
    "省": "province",
    "初审": "check",
    "核验": "check",
    "审核": "review",
    "制证": "make_card",
    "签收": "sign_for",
    "发放": "hand_out",
    "文字": "text",
    "数字": "number",
    "日期": "date",
    "选择": "choice",
}


def _named(value: str, choices, what: str) -> str:
    """A kind written as its key, its label in either language, or its short Chinese word."""
    keys = {key for key, _label in choices}
    if SHORT_WORDS.get(value) in keys:
        return SHORT_WORDS[value]
    for key, label in choices:
        if value.lower() in (key, str(label).lower()):
            return key
    raise ValidationError(_("“%(value)s” is not a %(what)s.") % {"value": value[:40], "what": what})


def parse_fields(text: str) -> list[dict]:
    found = []
    for parts in _lines(text):
        parts += [""] * (4 - len(parts))
        kind = _named(parts[1] or FieldKind.TEXT, FieldKind.choices, _("field kind"))
        options = [option.strip() for option in parts[3].replace("，", ",").split(",") if option.strip()]
        found.append(
            {"label": parts[0], "kind": kind, "required": parts[2].lower() in YES, "options": options}
        )
    return found


def parse_documents(text: str) -> list[dict]:
    return [
        {"label": parts[0], "required": len(parts) > 1 and parts[1].lower() in YES} for parts in _lines(text)
    ]


def parse_path(text: str) -> list[dict]:
    found = []
    for parts in _lines(text):
        parts += [""] * (3 - len(parts))
        try:
            days = int(parts[2])
        except ValueError:
            raise ValidationError(_("Each step's deadline is 1 to 365 days.")) from None
        found.append(
            {
                "level": _named(parts[0], ActingLevel.choices, _("level that acts")),
                "kind": _named(parts[1], ReviewStepKind.choices, _("kind of step")),
                "days": days,
            }
        )
    return found


def fields_text(fields: list[dict]) -> str:
    return "\n".join(
        " | ".join(
            [f["label"], f["kind"], "required" if f["required"] else "", ", ".join(f["options"])]
        ).rstrip(" |")
        for f in fields
    )


def documents_text(documents: list[dict]) -> str:
    return "\n".join(f"{d['label']} | required" if d["required"] else d["label"] for d in documents)


def path_text(path: list[dict]) -> str:
    return "\n".join(f"{step['level']} | {step['kind']} | {step['days']}" for step in path)


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    purpose = forms.CharField(label=_("What it is for"), max_length=300, required=False)
    is_open = forms.BooleanField(label=_("Open for applications"), required=False, initial=True)
    form_fields = forms.CharField(
        label=_("Form fields"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line: label | text, number, date or choice | required | options, comma separated."
        ),
    )
    documents = forms.CharField(
        label=_("Documents (photos)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: label | required."),
    )
    path = forms.CharField(
        label=_("Review path"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One step a line: village, town, district, city or province | check, review, make_card, "
            "sign_for or hand_out | deadline in days."
        ),
    )

    def clean_form_fields(self):
        return parse_fields(self.cleaned_data["form_fields"])

    def clean_documents(self):
        return parse_documents(self.cleaned_data["documents"])

    def clean_path(self):
        return parse_path(self.cleaned_data["path"])
