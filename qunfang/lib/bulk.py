"""Inserting many rows at once, for imports at province scale."""

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models
from django.db.models.expressions import RawSQL


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """INSERT `rows` (values already as the database stores them, in the order of `fields`) with one
    prepared statement, or one COPY on PostgreSQL. Django's bulk_create builds a model object and
    prepares every field of every row first, which is most of the time of a large import; callers of
    this function have the stored values at hand. Skips `save()` and its signals, like bulk_create."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: several times faster than a statement per row.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def one_parameter(values: Sequence[str]) -> RawSQL:
    """The right side of `field__in=` for many strings, bound as one JSON parameter: one query for a
    whole roll's ID indexes, instead of a query every few hundred (SQLite's limit of parameters) each
    with every value prepared by the ORM one at a time."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT jsonb_array_elements_text(%s::jsonb)", [json.dumps(list(values))])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values))])


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """Hold Python's cycle collector off for a bulk job. A large import keeps hundreds of thousands of
    rows alive, and every collection walks them all again: pausing makes a 100,000-row import a sixth
    faster. The rows hold no reference cycles, so memory is freed as usual meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def refresh_statistics(*models_: type[models.Model]) -> None:
    """Tell the database's planner what a bulk write changed. SQLite keeps no statistics until asked:
    without them it sorts a whole roll for a page of fifty instead of reading it from its indexes.
    Bounded (analysis_limit) so that it takes milliseconds however large the tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        for model in models_:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
