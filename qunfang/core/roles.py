"""Roles a membership can carry and the capabilities each grants. The membership's place bounds them."""

from enum import StrEnum
from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau admin")
    STATION_STAFF = "station_staff", _("Station staff")
    GRID_WORKER = "grid_worker", _("Grid worker")
    CHECKPOINT_GUARD = "checkpoint_guard", _("Checkpoint guard")
    VOLUNTEER = "volunteer", _("Volunteer")
    LEADER = "leader", _("Leader (read only)")


class Capability(StrEnum):
    VIEW_PLACES = "view_places"
    EDIT_STATION = "edit_station"  # station facts: address, phone, hall status
    MANAGE_PLACES = "manage_places"  # create, rename, move, import places
    VIEW_USERS = "view_users"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    VIEW_VETERANS = "view_veterans"
    MANAGE_VETERANS = "manage_veterans"  # add and edit veterans in the roll
    REVEAL_PERSONAL_DATA = "reveal_personal_data"  # see a full ID number or phone (audited)
    VIEW_ACTIVITIES = "view_activities"  # the activity ledger and its totals
    RECORD_ACTIVITIES = "record_activities"  # record what was done, and correct it
    MANAGE_VOLUNTEERS = "manage_volunteers"  # confirm volunteers, form teams, send them to places
    VIEW_REPORTS = "view_reports"  # daily reports, their completeness and totals
    SUBMIT_REPORTS = "submit_reports"  # a place's own daily report, and its corrections
    APPROVE_REPORTS = "approve_reports"  # approve or return the reports of the places one level down
    MANAGE_DATA_SETS = "manage_data_sets"  # define what the places under a bureau report (bureau admins)
    SEND_CAMPAIGNS = "send_campaigns"  # templates and campaigns of messages to veterans (bureau admins)
    VIEW_COMMUNITY = "view_community"  # a community's register: buildings, households, residents
    MANAGE_COMMUNITY = "manage_community"  # keep the register: add, change a status, import
    GUARD_GATES = "guard_gates"  # check passes at a community's gates and record who goes in and out
    VIEW_DONATIONS = "view_donations"  # donations, drives, hand-overs, stock and deliveries
    RECORD_DONATIONS = "record_donations"  # take donations in, hand them over, move stock
    VIEW_OPERATIONS = "view_operations"  # a bureau's or station's staff, groups, plans, health, roster
    MANAGE_OPERATIONS = "manage_operations"  # keep them: staff, tasks, check-ins, leave, shifts, measures
    WRITE_BRIEFINGS = "write_briefings"  # draft, finalize, send up and publish briefings and public notices


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.BUREAU_ADMIN: frozenset(Capability),
    Role.STATION_STAFF: frozenset(
        {
            Capability.VIEW_PLACES,
            Capability.EDIT_STATION,
            Capability.VIEW_USERS,
            Capability.VIEW_VETERANS,
            Capability.MANAGE_VETERANS,
            Capability.REVEAL_PERSONAL_DATA,  # they call and visit their veterans
            Capability.VIEW_ACTIVITIES,
            Capability.RECORD_ACTIVITIES,
            Capability.MANAGE_VOLUNTEERS,
            Capability.VIEW_REPORTS,
            Capability.SUBMIT_REPORTS,
            Capability.APPROVE_REPORTS,
            Capability.VIEW_COMMUNITY,
            Capability.MANAGE_COMMUNITY,
            Capability.GUARD_GATES,
            Capability.VIEW_DONATIONS,
            Capability.RECORD_DONATIONS,
            Capability.VIEW_OPERATIONS,
            Capability.MANAGE_OPERATIONS,
            Capability.WRITE_BRIEFINGS,
        }
    ),
    # A grid worker keeps the register of her grid's households.
    Role.GRID_WORKER: frozenset(
        {
            Capability.VIEW_PLACES,
            Capability.VIEW_VETERANS,
            Capability.VIEW_ACTIVITIES,
            Capability.RECORD_ACTIVITIES,
            Capability.VIEW_COMMUNITY,
            Capability.MANAGE_COMMUNITY,
        }
    ),
    # Guards count the temperature checks at their gates.
    Role.CHECKPOINT_GUARD: frozenset(
        {
            Capability.VIEW_PLACES,
            Capability.VIEW_ACTIVITIES,
            Capability.RECORD_ACTIVITIES,
            Capability.GUARD_GATES,
        }
    ),
    Role.VOLUNTEER: frozenset({Capability.VIEW_PLACES}),
    Role.LEADER: frozenset(
        {
            Capability.VIEW_PLACES,
            Capability.VIEW_USERS,
            Capability.VIEW_AUDIT,
            Capability.VIEW_VETERANS,
            Capability.VIEW_ACTIVITIES,
            Capability.VIEW_REPORTS,
            Capability.VIEW_COMMUNITY,
            Capability.VIEW_DONATIONS,
            Capability.VIEW_OPERATIONS,
        }
    ),
}


@cache
def role_capabilities(role: str) -> frozenset[str]:
    """What the role grants: the kernel's capabilities above, and those an app adds for its own work,
    named on its AppConfig as `capabilities` (a dotted path to a mapping of each capability to the
    roles besides the bureau admin, who holds every capability, that it is granted to). A new app so
    defines its own without an edit here."""
    from qunfang.lib.apps import app_entries  # the app registry is ready only once a request comes

    granted = set(ROLE_CAPABILITIES.get(role, frozenset()))
    for _config, offered in app_entries("capabilities"):
        granted.update(c for c, roles in offered.items() if role == Role.BUREAU_ADMIN or role in roles)
    return frozenset(granted)
