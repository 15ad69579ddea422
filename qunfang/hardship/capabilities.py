"""The hardship app's own capabilities (core/roles.py reads them from the AppConfig): stations open
and look after cases and decide at their level; a bureau keeps its fund and rules (a bureau admin
holds every capability); leaders read."""

from enum import StrEnum

from qunfang.core.roles import Role


class Hardship(StrEnum):
    VIEW = "view_hardship"  # cases, funds and their ledgers, the rules
    OPEN_CASES = "open_hardship_cases"  # open a case for a veteran of the place, attach, send up, follow up
    DECIDE_CASES = "decide_hardship_cases"  # approve or return a case waiting at the place
    KEEP_FUNDS = "keep_hardship_funds"  # a fund's money in and out, corrections, the eligibility rules


GRANTED = {
    Hardship.VIEW: {Role.STATION_STAFF, Role.LEADER},
    Hardship.OPEN_CASES: {Role.STATION_STAFF},
    Hardship.DECIDE_CASES: {Role.STATION_STAFF},
    Hardship.KEEP_FUNDS: set(),  # the bureau admin only
}
