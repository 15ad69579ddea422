"""Kept sums up the place tree: a table of sums per place and key (day and activity type; data set,
period and figure) that each write adds to for its place and every ancestor, so that any place's
figures are read from a handful of rows the moment they are recorded.

Every place of a district adds to the district's, city's and province's rows: writers adding there in
place would wait for one another on those rows' locks until each commits. A tally with a `pending`
table writes only the place's own rows in place; for each ancestor it appends a delta row (an INSERT
never waits for another), and `fold` later moves the deltas into the kept rows, a batch in one
transaction. Every read sums the kept and pending rows in one statement, so a figure is exact the
moment it is recorded, whether or not it has been folded, and never counts a delta twice.

Django's bulk_create can only overwrite on conflict, not add, so the adding is SQL that PostgreSQL and
SQLite (3.35+) both speak."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, connections, models, router, transaction

# Deltas moved into the kept rows per transaction; and every so many deltas written, the writer that
# crosses the mark folds a batch once it has committed, so the pending rows stay few without a worker.
FOLD_BATCH = 5000
FOLD_EVERY = 2000
# Rows added in one statement: a compound SELECT of at most 500 terms is all SQLite takes
# (SQLITE_MAX_COMPOUND_SELECT), and fewer parameters than either database's limit.
ROWS_A_STATEMENT = 400


def ancestor_ids(path: str) -> list[int]:
    """The place and its ancestors, from its materialized path "/1/7/42/"."""
    return [int(part) for part in path.strip("/").split("/") if part]


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@dataclass(frozen=True)
class Tally:
    """A table of kept sums: `keys` name a row (the first is the place), `sums` are added up. With a
    `pending` model (the same columns, an id, no unique key) the ancestors' sums go there first."""

    model: type[models.Model]
    keys: tuple[str, ...]
    sums: tuple[str, ...]
    pending: type[models.Model] | None = None

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

    def _add_rows(self, rows: Sequence[Sequence]) -> None:
        """Add literal rows (keys then sums) to the kept sums, a statement for each few hundred."""
        select = "SELECT " + ", ".join(["%s"] * (len(self.keys) + len(self.sums)))
        for start in range(0, len(rows), ROWS_A_STATEMENT):
            chunk = rows[start : start + ROWS_A_STATEMENT]
            self.add(" UNION ALL ".join([select] * len(chunk)), [value for row in chunk for value in row])

    def add_up_the_tree(self, path: str, rows: Sequence[Sequence]) -> None:
        """Add `rows` (each the keys after the place, then the sums) to the place at `path` and to every
        ancestor of it: to the place's own kept rows, and to the ancestors' pending ones (their kept
        ones without a pending table)."""
        rows = [row for row in rows if any(row[len(self.keys) - 1 :])]
        if not rows:
            return
        places = ancestor_ids(path)
        in_place, deferred = (places[-1:], places[:-1]) if self.pending else (places, [])
        self._add_rows([(unit, *row) for unit in in_place for row in rows])
        if deferred:
            self._append_pending([(unit, *row) for unit in deferred for row in rows])

    def _append_pending(self, rows: Sequence[Sequence]) -> None:
        columns = self.keys + self.sums
        marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table(self.pending)} ({', '.join(columns)}) VALUES "
                + ", ".join([marks] * len(rows))
                + " RETURNING id",
                [value for row in rows for value in row],
            )
            ids = [found for (found,) in cursor.fetchall()]
        if max(ids) // FOLD_EVERY != (min(ids) - 1) // FOLD_EVERY:  # crossed a mark: fold a batch
            # robust: a fold that fails (the pending rows wait for the next) must not fail the write
            transaction.on_commit(lambda: self.fold(batches=1), robust=True)

    def fold(self, batches: int | None = None) -> int:
        """Move the pending deltas into the kept rows, a batch in each transaction (at most `batches`
        of them); answers how many deltas were moved. Folds at once take different batches."""
        if self.pending is None:
            return 0
        moved, done = 0, 0
        while batches is None or done < batches:
            with transaction.atomic():
                count = self._fold_batch()
            moved, done = moved + count, done + 1
            if count < FOLD_BATCH:
                break
        return moved

    def _fold_batch(self) -> int:
        """One batch: the oldest pending deltas deleted and their sums added to the kept rows, in the
        caller's transaction, the kept rows in one order so that two folds never deadlock."""
        name, columns = table(self.pending), ", ".join(self.keys + self.sums)
        skip = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {name} WHERE id IN (SELECT id FROM {name} ORDER BY id LIMIT %s{skip})"
                f" RETURNING {columns}",
                [FOLD_BATCH],
            )
            deltas = cursor.fetchall()
        width = len(self.keys)
        summed: dict[tuple, list] = defaultdict(lambda: [0] * len(self.sums))
        for delta in deltas:
            for n, value in enumerate(delta[width:]):
                summed[delta[:width]][n] += value
        self._add_rows([(*keys, *sums) for keys, sums in sorted(summed.items()) if any(sums)])
        return len(deltas)

    def summed(self, columns: Sequence[str], where: str, params: Sequence) -> list[tuple]:
        """The sums of the rows `where` selects (about the columns of the table, in SQL with %s
        placeholders) for each value of `columns`: the kept rows and the pending ones read in one
        statement, so that a fold's moving a delta is seen whole or not at all. Summed here, not by a
        GROUP BY: the few rows cost less so, and come back as the columns hold them."""
        tables = [self.model] + ([self.pending] if self.pending else [])
        selected = ", ".join([*columns, *self.sums])
        # Through the router like the ORM's reads: a dashboard's sums may come from the replica.
        with connections[router.db_for_read(self.model)].cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join(f"SELECT {selected} FROM {table(t)} WHERE {where}" for t in tables),
                list(params) * len(tables),
            )
            rows = cursor.fetchall()
        width, found = len(columns), {}
        for row in rows:
            sums = found.setdefault(row[:width], [0] * len(self.sums))
            for n, value in enumerate(row[width:]):
                sums[n] += value
        return [(*keys, *sums) for keys, sums in found.items()]

    def _figures_sql(self, where: str = "true") -> str:
        """The figures of the rows `where` selects, kept and pending summed, in the table's columns."""
        columns = ", ".join(self.keys + self.sums)
        if self.pending is None:
            return f"SELECT {columns} FROM {table(self.model)} WHERE {where}"
        keys = ", ".join(self.keys)
        totals = ", ".join(f"SUM({column}) AS {column}" for column in self.sums)
        return (
            f"SELECT {keys}, {totals} FROM (SELECT {columns} FROM {table(self.model)} WHERE {where}"
            f" UNION ALL SELECT {columns} FROM {table(self.pending)} WHERE {where}) AS rows GROUP BY {keys}"
        )

    def move(self, place_id: int, old_path: str, new_path: str) -> None:
        """A subtree moved (same transaction): its sums (kept and pending) leave the old ancestors and
        join the new ones, one statement for each side whatever the number of rows."""
        places = table(_place_model())
        rest = ", ".join(f"t.{column}" for column in self.keys[1:])
        for ancestors, sign in ((ancestor_ids(old_path)[:-1], -1), (ancestor_ids(new_path)[:-1], 1)):
            if ancestors:  # the paths end with the moved place itself
                marks = ", ".join(["%s"] * len(ancestors))
                negated = ", ".join(f"t.{column} * %s" for column in self.sums)
                moved = self._figures_sql(f"{self.keys[0]} = {int(place_id)}")
                self.add(
                    f"SELECT a.id, {rest}, {negated} FROM ({moved}) t CROSS JOIN {places} a "
                    f"WHERE a.id IN ({marks})",
                    [*([sign] * len(self.sums)), *ancestors],
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
        """Throw the kept sums (and pending deltas) away and make them again from the raw rows `own_sql`
        selects (after a restore, or to check), in the database: at province scale there are millions.
        On PostgreSQL the tables are locked first: a write under way finishes before the raw rows are
        read, and one that comes later waits and adds to the rebuilt sums."""
        columns = ", ".join(self.keys + self.sums)
        tables = [self.model] + ([self.pending] if self.pending else [])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"LOCK TABLE {', '.join(table(t) for t in tables)} IN EXCLUSIVE MODE")
            for kept in tables:
                cursor.execute(f"DELETE FROM {table(kept)}")
            cursor.execute(
                self._summed_up_the_tree(own_sql)
                + f"INSERT INTO {table(self.model)} ({columns}) SELECT {columns} FROM fresh"
            )
        return self.model.objects.count()

    def count_disagreements(self, own_sql: str) -> int:
        """How many places' figures (kept and pending summed) differ from the raw rows summed up the
        tree (missing or extra count)."""
        columns = ", ".join(self.keys + self.sums)
        nonzero = " OR ".join(f"{column} <> 0" for column in self.sums)
        kept = f"SELECT {columns} FROM ({self._figures_sql()}) AS figures WHERE {nonzero}"
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
    fold: str = ""  # -> int: the pending deltas moved into the kept rows (tallies with a pending table)
