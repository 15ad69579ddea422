import pytest

from qunfang.reporting.models import DataField, DataSet, Rule
from qunfang.reporting.seed import ensure_epidemic_data_set


@pytest.fixture
def epidemic(db):
    ensure_epidemic_data_set(DataSet, DataField, Rule)  # transactional tests flush the seeded rows
    return DataSet.objects.get(code="epidemic_daily")
