"""Reading a choice as people write it in a spreadsheet: the stored value, its label in English or
Chinese, or a common word for it."""

from collections.abc import Callable

from django.db import models
from django.utils import translation


def choice_reader(
    choices: type[models.Choices], words: dict[str, str] | None = None
) -> Callable[[str], str | None]:
    """A function from what a person wrote to the stored value (None when nothing matches). Built once
    per import: looking labels up in two languages for every row of a large file would be slow."""
    names: dict[str, str] = {}
    for value, label in choices.choices:
        names[str(value).lower()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names[str(label).lower()] = value
    for word, value in (words or {}).items():
        names.setdefault(word.lower(), value)
    return lambda text: names.get(text.strip().lower())
