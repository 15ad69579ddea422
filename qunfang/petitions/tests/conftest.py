import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """The services' messages matched in English (the site's default language is Chinese)."""
    with translation.override("en"):
        yield
