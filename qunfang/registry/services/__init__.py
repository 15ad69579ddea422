"""Writes to the veterans roll: adding, editing and moving veterans, their families, revealing
protected data (audited), bringing whole spreadsheet rolls in and exporting large ones in the
background.

One module a topic; every name is also here, where callers import it from."""

from __future__ import annotations

from qunfang.registry.services.roll_export import (
    export_progress_key,
    export_roll_task,
    exports_in_background,
    run_roll_export,
    start_roll_export,
)
from qunfang.registry.services.roll_import import (
    check_roll_import,
    check_roll_task,
    confirm_roll_import,
    import_roll_task,
    progress_key,
    run_roll_check,
    run_roll_import,
    start_roll_import,
)
from qunfang.registry.services.roll_writes import (
    LOOKUP_CHUNK,
    NEW_DERIVED_FIELDS,
    ROW_FIELDS,
    WRITE_BATCH,
    Progress,
    RollPlan,
    plan_roll,
    write_roll,
)
from qunfang.registry.services.veterans import (
    ELSEWHERE_ON_A_ROLL,
    FAMILY_FIELDS,
    PROTECTED_FIELDS,
    UNCLEANED,
    VETERAN_FIELDS,
    add_family_member,
    create_veteran,
    export_roll,
    remove_family_member,
    reveal,
    update_family_member,
    update_veteran,
)

__all__ = [
    "ELSEWHERE_ON_A_ROLL",
    "FAMILY_FIELDS",
    "LOOKUP_CHUNK",
    "NEW_DERIVED_FIELDS",
    "PROTECTED_FIELDS",
    "Progress",
    "ROW_FIELDS",
    "RollPlan",
    "UNCLEANED",
    "VETERAN_FIELDS",
    "WRITE_BATCH",
    "add_family_member",
    "check_roll_import",
    "check_roll_task",
    "confirm_roll_import",
    "create_veteran",
    "export_progress_key",
    "export_roll",
    "export_roll_task",
    "exports_in_background",
    "import_roll_task",
    "plan_roll",
    "progress_key",
    "remove_family_member",
    "reveal",
    "run_roll_check",
    "run_roll_export",
    "run_roll_import",
    "start_roll_export",
    "start_roll_import",
    "update_family_member",
    "update_veteran",
    "write_roll",
]
