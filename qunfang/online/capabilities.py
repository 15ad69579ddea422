"""The online app's own capabilities (core/roles.py reads them from the AppConfig): station clerks and
up review the applications waiting at their place; leaders read; defining the services is the
bureau admin's alone (who holds every capability)."""

from enum import StrEnum

from qunfang.core.roles import Role


class Online(StrEnum):
    VIEW = "view_online"  # the applications of the place and below, their documents, the figures
    REVIEW = "review_online"  # approve or return an application waiting at the place
    DEFINE = "define_online_services"  # a bureau's services: fields, documents, review path, open or not


GRANTED = {
    Online.VIEW: {Role.STATION_STAFF, Role.LEADER},
    Online.REVIEW: {Role.STATION_STAFF},
    Online.DEFINE: set(),  # the bureau admin only
}
