"""The SMS reports' own capabilities (core/roles.py reads them from the AppConfig): a station's staff
register the phones their station reports from and read what came in; only the bureau sets the words a
report is written in, for every station under it."""

from qunfang.core.roles import Role

MANAGE_PHONES = "manage_sms_phones"  # register and retire a station's reporting phones
VIEW_INBOUND = "view_sms_inbound"  # the inbound messages and what became of them, the keywords
SET_KEYWORDS = "set_sms_keywords"  # the words and aliases of reports by SMS (bureau admins only)

CAPABILITIES = {
    MANAGE_PHONES: {Role.STATION_STAFF},
    VIEW_INBOUND: {Role.STATION_STAFF, Role.LEADER},
    SET_KEYWORDS: set(),  # the bureau admin holds every capability
}
