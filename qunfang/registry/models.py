"""The roll of veterans: who they are, where they live, their families and their moves. ID numbers
and phones are `Protected`."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import FileJob, OrgUnit, QueuedFileJob
from qunfang.core.personal import ID_NUMBER, PHONE, BlindIndexField, ProtectedField


class Category(models.TextChoices):
    RETIRED_SOLDIER = "retired_soldier", _("Retired soldier")
    TRANSFERRED_OFFICER = "transferred_officer", _("Transferred officer")
    RETIRED_CADRE = "retired_cadre", _("Retired cadre")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    ACTIVE = "active", _("On the roll")
    MOVED = "moved", _("Moved away")
    DECEASED = "deceased", _("Deceased")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ServiceBranch(models.TextChoices):
    ARMY = "army", _("Army")
    NAVY = "navy", _("Navy")
    AIR_FORCE = "air_force", _("Air Force")
    ROCKET_FORCE = "rocket_force", _("Rocket Force")
    ARMED_POLICE = "armed_police", _("Armed Police")
    OTHER = "other", _("Other branch")


class Tag(models.Model):
    """A skill or a mark a station keeps on people: medic, driver, willing to volunteer… A tag belongs
    to the place that made it and is seen there and below it (a bureau's tags by its whole district),
    and by those above who see that place: never by a sibling village or another district."""

    place = models.ForeignKey("core.OrgUnit", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=30)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name", "place__path"]
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="one_tag_name_per_place")]

    def __str__(self) -> str:
        return self.name


def years_in_order(enlisted: int | None, discharged: int | None) -> bool:
    """A veteran cannot leave the service before joining it."""
    return not (enlisted and discharged and discharged < enlisted)


class Veteran(models.Model):
    place = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="veterans", verbose_name=_("place")
    )
    name = models.CharField(_("name"), max_length=50)
    id_number = ProtectedField(_("ID number"), kind=ID_NUMBER)
    id_number_index = BlindIndexField(source="id_number", unique=True)
    birth_date = models.DateField(_("birth date"), editable=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, editable=False)
    phone = ProtectedField(_("phone"), kind=PHONE, null=True, blank=True)
    phone_index = BlindIndexField(source="phone")
    address = models.CharField(_("address"), max_length=200, blank=True)
    category = models.CharField(
        _("category"), max_length=32, choices=Category.choices, default=Category.RETIRED_SOLDIER
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    service_branch = models.CharField(
        _("service branch"), max_length=16, choices=ServiceBranch.choices, blank=True
    )
    enlisted_year = models.PositiveSmallIntegerField(_("year enlisted"), null=True, blank=True)
    discharged_year = models.PositiveSmallIntegerField(_("year discharged"), null=True, blank=True)
    party_member = models.BooleanField(_("party member"), default=False)
    sms_opt_out = models.BooleanField(_("no SMS"), default=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="veterans", verbose_name=_("tags"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("veteran")
        verbose_name_plural = _("veterans")
        ordering = ["place__path", "name"]
        # The roll's pages, in order, read from this index place by place (see OrgUnit's unique path).
        indexes = [models.Index(fields=["place", "name"], name="veteran_place_name")]

    def __str__(self) -> str:
        return self.name

    # The labels as lists show them: get_FOO_display builds a dict of every choice on each call,
    # most of the time of a roll's page.
    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category in Category.values else self.category

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status in Status.values else self.status

    def clean(self):
        if not years_in_order(self.enlisted_year, self.discharged_year):
            raise ValidationError({"discharged_year": _("The year discharged is before the year enlisted.")})


class ThroughVeteranQuerySet(PlaceScopedQuerySet):
    place_path_field = "veteran__place__path"


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER = "other", _("Other relative")


class FamilyMember(models.Model):
    veteran = models.ForeignKey(Veteran, on_delete=models.CASCADE, related_name="family")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    name = models.CharField(_("name"), max_length=50)
    id_number = ProtectedField(_("ID number"), kind=ID_NUMBER, null=True, blank=True)
    id_number_index = BlindIndexField(source="id_number")
    phone = ProtectedField(_("phone"), kind=PHONE, null=True, blank=True)
    phone_index = BlindIndexField(source="phone")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughVeteranQuerySet.as_manager()

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["veteran", "pk"]

    def __str__(self) -> str:
        return self.name


class Move(models.Model):
    """A veteran's change of place: the history that editing the place keeps."""

    veteran = models.ForeignKey(Veteran, on_delete=models.CASCADE, related_name="moves")
    from_place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    to_place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughVeteranQuerySet.as_manager()

    class Meta:
        verbose_name = _("move")
        verbose_name_plural = _("moves")
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.veteran_id}: {self.from_place_id} → {self.to_place_id}"


class RollImport(FileJob):
    """A spreadsheet roll on its way in: uploaded, its columns mapped, checked (a dry run that writes
    nothing), then imported in the background."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Columns to match")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    headings = models.JSONField(default=list, blank=True)  # the file's heading row
    mapping = models.JSONField(default=dict, blank=True)  # our column -> index of the file's column
    good_rows_only = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    good_rows = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)

    class Meta(FileJob.Meta):
        verbose_name = _("roll import")
        verbose_name_plural = _("roll imports")

    @property
    def busy(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}


class RollExport(QueuedFileJob):
    """A roll too large to answer at once (a province's millions), written to a file on disk in the
    background, then downloaded by the person who asked for it. `filters` are the list's (q, status,
    category, place_id, tag); the file holds what those find in the asker's places when it runs."""

    filters = models.JSONField(default=dict, blank=True)
    reveal = models.BooleanField(default=False)  # full numbers where the asker may reveal them
    total_rows = models.PositiveIntegerField(default=0)

    class Meta(QueuedFileJob.Meta):
        verbose_name = _("roll export")
        verbose_name_plural = _("roll exports")
