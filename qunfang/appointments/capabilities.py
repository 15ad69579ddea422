"""The appointments app's own capabilities (core/roles.py reads them from the AppConfig)."""

from qunfang.core.roles import Role

VIEW_APPOINTMENTS = "view_appointments"  # a hall's settings, slots and day lists, and their figures
MANAGE_APPOINTMENTS = "manage_appointments"  # open and close a hall, make slots, book, mark, call

CAPABILITIES = {
    VIEW_APPOINTMENTS: {Role.STATION_STAFF, Role.LEADER},
    MANAGE_APPOINTMENTS: {Role.STATION_STAFF},
}
