"""Kept sums up the place tree: a table of sums per place and key (day and activity type; data set,
period and figure) that each write adds to for its place and every ancestor, in one statement, so that
any place's figures are read from a handful of rows the moment they are recorded.

Django's bulk_create can only overwrite on conflict, not add, so the adding is SQL that PostgreSQL and
SQLite (3.24+) both speak."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, models


def ancestor_ids(path: str) -> list[int]:
    """The place and its ancestors, from its materialized path "/1/7/42/"."""
    return [int(part) for part in path.strip("/").split("/") if part]


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@dataclass(frozen=True)
class Tally:
    """A table of kept sums: `keys` name a row (the first is the place), `sums` are added up."""

    model: type[models.Model]
    keys: tuple[str, ...]
    sums: tuple[str, ...]

    def add(self, rows_sql: str, params: Sequence) -> None:
        """Add the rows `rows_sql` selects (keys then sums, in order) to the kept sums; `WHERE true`
        lets SQLite tell the ON CONFLICT clause from a join."""
        name = table(self.model)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {name} ({', '.join(self.keys + self.sums)}) "
                f"SELECT * FROM ({rows_sql}) AS added WHERE true "
                f"ON CONFLICT ({', '.join(self.keys)}) DO UPDATE SET "
                + ", ".join(f"{column} = {name}.{column} + excluded.{column}" for column in self.sums),
                params,
            )

    def add_up_the_tree(self, path: str, rows: Sequence[Sequence]) -> None:
        """Add `rows` (each the keys after the place, then the sums) to the place at `path` and to every
        ancestor of it."""
        rows = [row for row in rows if any(row[len(self.keys) - 1 :])]
        if not rows:
            return
        width = len(self.keys) + len(self.sums)
        select = "SELECT " + ", ".join(["%s"] * width)
        places = ancestor_ids(path)
        self.add(
            " UNION ALL ".join([select] * (len(places) * len(rows))),
            [value for place in places for row in rows for value in (place, *row)],
        )

    def move(self, place_id: int, old_path: str, new_path: str) -> None:
        """A subtree moved (same transaction): its sums leave the old ancestors and join the new ones,
        one statement for each side whatever the number of rows."""
        name, places = table(self.model), table(_place_model())
        rest = ", ".join(f"t.{column}" for column in self.keys[1:])
        for ancestors, sign in ((ancestor_ids(old_path)[:-1], -1), (ancestor_ids(new_path)[:-1], 1)):
            if ancestors:  # the paths end with the moved place itself
                marks = ", ".join(["%s"] * len(ancestors))
                negated = ", ".join(f"t.{column} * %s" for column in self.sums)
                self.add(
                    f"SELECT a.id, {rest}, {negated} FROM {name} t CROSS JOIN {places} a "
                    f"WHERE t.{self.keys[0]} = %s AND a.id IN ({marks})",
                    [*([sign] * len(self.sums)), place_id, *ancestors],
                )

    def _summed_up_the_tree(self, own_sql: str) -> str:
        """A WITH clause naming `fresh`: the rows of `own_sql` (each place's own keys and sums, in the
        table's column order) summed for the place and every ancestor, found by walking the parents."""
        places = table(_place_model())
        rest = ", ".join(f"own.{column}" for column in self.keys[1:])
        sums = ", ".join(f"SUM(own.{column}) AS {column}" for column in self.sums)
        nonzero = " OR ".join(f"SUM(own.{column}) <> 0" for column in self.sums)
        return (
            "WITH RECURSIVE up (place_id, ancestor_id) AS ("
            f" SELECT id, id FROM {places}"
            f" UNION ALL SELECT up.place_id, p.parent_id FROM up JOIN {places} p ON p.id = up.ancestor_id"
            "  WHERE p.parent_id IS NOT NULL),"
            f" own ({', '.join(self.keys + self.sums)}) AS ({own_sql}),"
            f" fresh AS (SELECT up.ancestor_id AS {self.keys[0]}, {rest}, {sums}"
            f"  FROM own JOIN up ON up.place_id = own.{self.keys[0]}"
            f"  GROUP BY up.ancestor_id, {rest} HAVING {nonzero}) "
        )

    def rebuild(self, own_sql: str) -> int:
        """Throw the kept sums away and make them again from the raw rows `own_sql` selects (after a
        restore, or to check), in the database: at province scale there are millions."""
        columns = ", ".join(self.keys + self.sums)
        self.model.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                self._summed_up_the_tree(own_sql)
                + f"INSERT INTO {table(self.model)} ({columns}) SELECT {columns} FROM fresh"
            )
        return self.model.objects.count()

    def count_disagreements(self, own_sql: str) -> int:
        """How many kept rows differ from the raw rows summed up the tree (missing or extra count)."""
        columns = ", ".join(self.keys + self.sums)
        nonzero = " OR ".join(f"{column} <> 0" for column in self.sums)
        kept = f"SELECT {columns} FROM {table(self.model)} WHERE {nonzero}"
        fresh = f"SELECT {columns} FROM fresh"
        with connection.cursor() as cursor:
            cursor.execute(
                self._summed_up_the_tree(own_sql)
                + f"SELECT (SELECT COUNT(*) FROM ({kept} EXCEPT {fresh}) AS extra)"
                f" + (SELECT COUNT(*) FROM ({fresh} EXCEPT {kept}) AS missing)"
            )
            return cursor.fetchone()[0]


def _place_model() -> type[models.Model]:
    from qunfang.core.models import OrgUnit

    return OrgUnit


@dataclass(frozen=True)
class KeptTotals:
    """An app's kept sums as `qunfang tallies` checks and rebuilds them: the app names one on its
    AppConfig (`kept_totals`), the functions by their dotted paths (imported only when run)."""

    what: str  # "activity totals": what the command's lines call them
    source: str  # "the ledger": the raw rows they are summed from
    model: str  # "mobilization.DailyTotal": the kept rows, counted when they agree
    count_disagreements: str  # -> int: kept rows that differ from the raw rows summed up the tree
    rebuild: str  # -> int: the kept rows thrown away and made again; answers how many were made
