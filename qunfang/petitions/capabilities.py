"""The petitions app's own capabilities (core/roles.py reads them from the AppConfig): petitions are
about a person's grievances, so they are not every reader of the roll's (a grid worker sees the roll,
not its petitions)."""

from qunfang.core.roles import Role

VIEW_PETITIONS = "view_petitions"  # petitions, their history, the risk screenings
HANDLE_PETITIONS = "handle_petitions"  # take a petition through its steps, sign a screening
SET_DEADLINES = "set_petition_deadlines"  # the days each step may take (bureau admins only)

CAPABILITIES = {
    VIEW_PETITIONS: {Role.STATION_STAFF, Role.LEADER},
    HANDLE_PETITIONS: {Role.STATION_STAFF},
    SET_DEADLINES: set(),  # the bureau admin holds every capability
}
