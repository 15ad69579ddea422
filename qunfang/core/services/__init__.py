"""Every write to the kernel: places (places.py) and people, their memberships and access tokens
(people.py). Each function is one use case, runs in one transaction and leaves an audit entry. Callers
have already fetched the objects through `access.get_for`, which is the authorization; services keep the
invariants. `by=None` is the command line.

One module a topic; every name is also here, where callers import it from."""

from qunfang.core.services.people import (
    TOKEN_PREFIX,
    USER_FIELDS,
    add_membership,
    check_manages,
    confirm_totp_device,
    create_user,
    issue_token,
    pending_totp_device,
    remove_membership,
    reset_second_factor,
    revoke_token,
    set_password,
    set_user_active,
    token_digest,
)
from qunfang.core.services.places import (
    HALL_WORDS,
    IMPORT_COLUMNS,
    IMPORT_REQUIRED,
    LEVEL_WORDS,
    PLACE_FIELDS,
    STATION_WORDS,
    ImportRejected,
    RowError,
    create_place,
    import_places,
    import_places_task,
    move_place,
    normalize_code,
    queue_import,
    update_place,
)

__all__ = [
    "HALL_WORDS",
    "IMPORT_COLUMNS",
    "IMPORT_REQUIRED",
    "LEVEL_WORDS",
    "PLACE_FIELDS",
    "STATION_WORDS",
    "TOKEN_PREFIX",
    "USER_FIELDS",
    "ImportRejected",
    "RowError",
    "add_membership",
    "check_manages",
    "confirm_totp_device",
    "create_place",
    "create_user",
    "import_places",
    "import_places_task",
    "issue_token",
    "move_place",
    "normalize_code",
    "pending_totp_device",
    "queue_import",
    "remove_membership",
    "reset_second_factor",
    "revoke_token",
    "set_password",
    "set_user_active",
    "token_digest",
    "update_place",
]
