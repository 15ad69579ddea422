"""The shared kernel's data: the tree of places, who works where, tokens for integrations, the audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.roles import Role
from qunfang.lib.text import natural_key


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    TOWN = "town", _("Town / street")
    VILLAGE = "village", _("Village / community")
    GRID = "grid", _("Grid")


# A child must sit at a deeper level than its parent; levels may be skipped (a county-level city
# directly under a province, a grid directly under a town).
LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values)}


class StationKind(models.TextChoices):
    NONE = "", _("No station")
    SERVICE_CENTRE = "centre", _("Veterans service centre")
    SERVICE_STATION = "station", _("Veterans service station")


class HallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ONLINE_ONLY = "online_only", _("Online only")


class OrgUnitQuerySet(PlaceScopedQuerySet):
    place_path_field = "path"  # under(place): the place and everything below it


class BilingualName:
    """For configured vocabularies kept with a Chinese and an English name: `name` is the one of the
    language the page is shown in."""

    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en


class OrgUnit(models.Model):
    """A place in the tree: province, city, district, town or street, village or community, grid."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    name = models.CharField(_("name"), max_length=100)
    # The name with its numbers as numbers (lib/text.natural_key), kept on save: lists go 第二网格,
    # 第三网格, …, 第十网格 in the database's own order, across pages.
    sort_name = models.CharField(max_length=200, editable=False, default="")
    # The 12-digit statistical division code (统计用区划代码) where the place has one; grids have none.
    code = models.CharField(_("division code"), max_length=12, unique=True, null=True, blank=True)
    # "/1/7/42/": the ids from the root down. "Everything under X" is `path LIKE 'X.path%'`.
    path = models.CharField(max_length=255, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    station_kind = models.CharField(
        _("station"), max_length=16, choices=StationKind.choices, default=StationKind.NONE, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("station phone"), max_length=40, blank=True)
    hall_status = models.CharField(
        _("service hall"), max_length=16, choices=HallStatus.choices, default=HallStatus.OPEN
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' under any collation.
            models.Index(fields=["path"], name="orgunit_path_prefix", opclasses=["varchar_pattern_ops"]),
        ]
        # A path is the ids from the root down, so no two places share one; saying so lets the
        # database read a list ordered by place and name from the indexes, without sorting it.
        constraints = [models.UniqueConstraint(fields=["path"], name="one_place_per_path")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.sort_name = natural_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_name"}
        super().save(*args, **kwargs)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    @property
    def has_station(self) -> bool:
        return bool(self.station_kind)

    @property
    def issuing_body(self) -> str:
        """Who signs what this place sends out: a district and above is a veterans affairs bureau, a
        town or village its service centre or station (the report's three tiers)."""
        if LEVEL_RANK[self.level] <= LEVEL_RANK[Level.DISTRICT]:
            return _("%(place)s Veterans Affairs Bureau") % {"place": self.name}
        if self.station_kind == StationKind.SERVICE_CENTRE:
            return _("%(place)s Veterans Service Centre") % {"place": self.name}
        return _("%(place)s Veterans Service Station") % {"place": self.name}


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their memberships."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username


class MembershipQuerySet(PlaceScopedQuerySet):
    place_path_field = "place__path"


class Membership(models.Model):
    """A user's role at a place; the role's capabilities reach the place and everything below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "place", "role"], name="membership_unique_role_at_place")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.place}"


class AccessTokenQuerySet(models.QuerySet):
    def active(self) -> "AccessTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class AccessToken(models.Model):
    """A personal access token for the API. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    # The account's session hash when issued, which follows its password: a token stops with a new
    # password however it was set, as the account's sessions do.
    password_hash = models.CharField(max_length=128, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class FileJob(models.Model):
    """An uploaded spreadsheet on its way in, worked on in the background: what every kind of import
    keeps about its file, its place and how it went."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.CharField(max_length=200)  # path under MEDIA_ROOT
    original_name = models.CharField(max_length=200, blank=True)
    errors = models.JSONField(default=list, blank=True)  # [{"row": 3, "message": "…"}]
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name or self.file


class QueuedFileJob(FileJob):
    """A file job with one step in the background: queued, running, then done or failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)

    class Meta(FileJob.Meta):
        abstract = True

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class ImportJob(QueuedFileJob):
    """A spreadsheet of places waiting for, undergoing or past its import in the background."""

    created_count = models.PositiveIntegerField(default=0)

    class Meta(QueuedFileJob.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")


class AuditEntryQuerySet(PlaceScopedQuerySet):
    place_path_field = "place__path"


class AuditEntry(models.Model):
    """One write: who, when, where, what changed (before and after), from which address."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    place = models.ForeignKey(OrgUnit, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=8, default="web")  # web, api or cli

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    @property
    def changed_fields(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)]


class Submission(models.Model):
    """A form or API request that adds something, by the key it carried (a hidden field every form
    page renders, or an Idempotency-Key header): Back and Save again, a double tap or a retry with the
    same key gets the first answer again instead of a second record (core/once.py)."""

    key = models.CharField(max_length=64, unique=True)
    who = models.CharField(max_length=80)  # the user, token or browser that sent it: a key is theirs only
    path = models.CharField(max_length=300)
    # An API request's method, path and body (SHA-256): the key answers that request and no other.
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True)
    status = models.PositiveSmallIntegerField(null=True)
    location = models.CharField(max_length=500, blank=True)  # a form's redirect
    body = models.BinaryField(null=True)  # an API's answer, replayed as it was
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="submission_age")]

    def __str__(self) -> str:
        return f"{self.key} {self.path}"
