"""Needs met by gifts: a place (a station, a community) posts what it needs, line by line in the
donations' catalogue of goods (an item and its unit, a whole quantity); donors, drives or merchants
commit to a line; deliveries fulfil the lines, each through the donations' stock (goods received at the
place, or a delivery from a place above), linked to the commitment where there is one.

A line keeps its committed and delivered quantities beside the asked one, changed in the same
transaction as the commitment or delivery under a lock of the line: what is still missing is read from
the line itself, and two donors at once cannot both take the last free part."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")  # every line delivered in full
    CLOSED = "closed", _("Closed")  # closed by the place, met or not


class Need(models.Model):
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # who needs it
    title = models.CharField(_("what is needed"), max_length=100)
    why = models.CharField(_("why"), max_length=300, blank=True)
    by_date = models.DateField(_("needed by"), null=True, blank=True)
    posted_on = models.DateField(_("posted on"))
    status = models.CharField(_("status"), max_length=8, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submission = models.CharField(max_length=64, null=True, blank=True, unique=True)  # sent twice, kept once
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        ordering = ["-posted_on", "-pk"]
        indexes = [models.Index(fields=["place", "status"], name="needs_of_a_place")]

    def __str__(self) -> str:
        return self.title


class LineQuerySet(PlaceScopedQuerySet):
    place_path_field = "need__place__path"


class NeedLine(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey("donations.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.IntegerField(_("quantity asked"))
    committed = models.IntegerField(default=0)  # standing commitments, and what withdrawn ones delivered
    delivered = models.IntegerField(default=0)
    delivered_uncommitted = models.IntegerField(default=0)  # of `delivered`, what came without a promise

    objects = LineQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="a_need_asks_something"),
            models.CheckConstraint(condition=Q(delivered__lte=F("quantity")), name="never_over_delivered"),
            models.UniqueConstraint(fields=["need", "item"], name="one_line_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item.name} {self.quantity}{self.item.unit}"

    @property
    def missing(self) -> int:
        return self.quantity - self.delivered

    @property
    def promised_not_delivered(self) -> int:
        """What standing commitments still owe."""
        return self.committed - (self.delivered - self.delivered_uncommitted)

    @property
    def free(self) -> int:
        """What no one has promised or brought yet: the room for a new commitment."""
        return max(self.quantity - self.committed - self.delivered_uncommitted, 0)

    @property
    def delivered_percent(self) -> int:
        return min(100, self.delivered * 100 // self.quantity) if self.quantity else 0

    @property
    def committed_percent(self) -> int:
        """The bar's second part: promised and not yet delivered."""
        share = self.promised_not_delivered * 100 // self.quantity if self.quantity else 0
        return max(0, min(100 - self.delivered_percent, share))


class CommitmentQuerySet(PlaceScopedQuerySet):
    place_path_field = "line__need__place__path"


class Commitment(models.Model):
    line = models.ForeignKey(NeedLine, on_delete=models.CASCADE, related_name="commitments")
    donor_name = models.CharField(_("donor"), max_length=100)
    # A donor's name is shown on the public page only when they agreed to it.
    named_publicly = models.BooleanField(_("may be named on the public page"), default=False)
    drive = models.ForeignKey(
        "donations.Drive", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    donor = models.ForeignKey(  # the donations' donor, where the gift is recorded there too
        "donations.Donor", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.IntegerField(_("quantity"))
    delivered = models.IntegerField(default=0)
    withdrawn_on = models.DateField(null=True, blank=True)
    made_on = models.DateField(_("day"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submission = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="a_commitment_gives_something"),
            models.CheckConstraint(condition=Q(delivered__lte=F("quantity")), name="delivered_as_promised"),
        ]

    def __str__(self) -> str:
        return f"{self.donor_name} {self.quantity}"

    @property
    def owed(self) -> int:
        return 0 if self.withdrawn_on else self.quantity - self.delivered


class Fulfilment(models.Model):
    """What arrived of a line on a day: through the donations' stock (`delivery` when it came from a
    place's stock, `received` when the place took it in from the donor)."""

    line = models.ForeignKey(NeedLine, on_delete=models.CASCADE, related_name="fulfilments")
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.PROTECT, related_name="fulfilments"
    )
    quantity = models.IntegerField(_("quantity"))
    day = models.DateField(_("day"))
    delivery = models.ForeignKey(
        "donations.Delivery", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received = models.ForeignKey(
        "donations.StockMove", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="a_delivery_brings_something")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.quantity}"


class NeedTotal(models.Model):
    """Kept (lib/tallies): per place (and every place above it) the open needs, their lines still
    missing something, and per day what arrived (`delivered` in each line's own unit, added up; and
    the arrivals, one for each line a delivery brought). State counts are kept
    on the row of day 0001-01-01."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    open_needs = models.IntegerField(default=0)
    missing_lines = models.IntegerField(default=0)
    delivered = models.BigIntegerField(default=0)
    arrivals = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "day"], name="one_need_total_a_day")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day}: {self.open_needs} {self.missing_lines} {self.delivered}"
