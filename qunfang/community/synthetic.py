"""Synthetic community registers for the demo and the benchmarks: buildings in grids, households of
several people, as the spreadsheet a community keeps (the import's headings). People are invented;
ID numbers are the registry's synthetic ones (region codes starting with 9: valid, never real)."""

from __future__ import annotations

from qunfang.community.services.register import COLUMNS
from qunfang.registry.synthetic import GIVEN, SURNAMES, synthetic_id

HEADINGS = [names[0] for names in COLUMNS.values()]
STATUSES = {47: "居家隔离", 211: "集中隔离", 997: "住院"}  # every n-th person, for a realistic spread


def register_rows(
    *,
    buildings: int,
    households: int,
    residents: int,
    grids: list[str],
    region: str = "210112",
    first: int = 0,
) -> list[list[str]]:
    """One row a resident. Buildings are spread over the grids in runs, households over the buildings
    (three units each), residents over the households (every household at least one); every 50th
    household has no phone."""
    rows: list[list[str]] = []
    base, extra = divmod(residents, households)
    person = first
    for h in range(households):
        building = h * buildings // households
        grid = grids[building * len(grids) // buildings] if grids else ""
        in_building = h - (building * households + buildings - 1) // buildings
        unit, floor_room = in_building % 3 + 1, in_building // 3
        room = f"{floor_room // 2 + 1}{floor_room % 2 + 1:02d}"
        phone = "" if h % 50 == 49 else f"1394{h:07d}"
        for member in range(base + (1 if h < extra else 0)):
            person += 1
            status = next((label for every, label in STATUSES.items() if person % every == 0 and member), "")
            rows.append([
                f"{building + 1}栋", f"{unit}单元", room, phone,
                SURNAMES[h % len(SURNAMES)] + GIVEN[(person * 7) % len(GIVEN)],
                synthetic_id(region, 5_000_000 + person) if member < 3 else "",  # children may have none yet
                f"1{36 + member % 3}{person:08d}" if member < 2 else "",
                status, "2020-02-10" if status else "", grid, "武汉" if status and person % 2 else "",
            ])  # fmt: skip
    return rows
