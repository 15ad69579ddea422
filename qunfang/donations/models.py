"""Donations and supplies: who gave (a person, linked to the veterans roll where they are one, or an
organisation), drives, cash donations with their designations and receipt numbers, hand-overs of
collected cash to a recipient organisation, goods in stock per place (an append-only ledger of moves
and the kept level on hand, never negative) and deliveries.

Money is kept as whole fen in integers: SQLite has no exact decimal type, and a sum of 100,000 amounts
must come out to the fen. `yuan()` turns fen into a Decimal for people."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit
from qunfang.core.personal import PHONE, BlindIndexField, ProtectedField


def yuan(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / 100).quantize(Decimal("0.01"))


class DonorKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")
    CHARITY = "charity", _("Charity or association")
    OTHER = "other", _("Other organisation")


class Donor(models.Model):
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # who keeps the record
    kind = models.CharField(_("kind"), max_length=10, choices=DonorKind.choices, default=DonorKind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    veteran = models.ForeignKey(
        "registry.Veteran", null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    # A veteran who gave, whether or not on this roll (one of another district's, say); set whenever
    # the donor is linked to the roll. What "退役军人N人" counts.
    is_veteran = models.BooleanField(_("a veteran"), default=False)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = ProtectedField(_("phone"), kind=PHONE, null=True, blank=True)
    phone_index = BlindIndexField(source="phone")
    address = models.CharField(_("address"), max_length=200, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("donor")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Drive(models.Model):
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    # What a gift to the drive may be designated for ("定向支援武汉", "清新防控一线"), chosen from a list
    # so that one purpose is one line of the totals; what a gift leaves over is undesignated.
    designation_choices = models.JSONField(_("designations"), default=list, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    target_fen = models.BigIntegerField(null=True, blank=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("donation drive")
        ordering = ["-start", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def target(self) -> Decimal | None:
        return yuan(self.target_fen) if self.target_fen is not None else None


class ReceiptCounter(models.Model):
    """The last receipt number a place gave in a year: numbers follow each other without gaps."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "year"], name="one_receipt_counter")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.year}: {self.last}"


class HandOver(models.Model):
    """Collected cash passed on to a recipient organisation (the district charity association)."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("recipient"), max_length=100)
    day = models.DateField(_("day"))
    signed_by = models.CharField(_("signed for by"), max_length=50)
    total_fen = models.BigIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hand-over")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"

    @property
    def total(self) -> Decimal:
        return yuan(self.total_fen)


class CashDonation(models.Model):
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # received by
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="cash")
    drive = models.ForeignKey(Drive, null=True, blank=True, on_delete=models.PROTECT, related_name="cash")
    day = models.DateField(_("day"))
    amount_fen = models.BigIntegerField()
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hand_over = models.ForeignKey(
        HandOver, null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The form's one-time key: a form sent twice (a double tap on a bad network) is recorded once.
    submission = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cash donation")
        ordering = ["-day", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="cash_is_positive")]
        indexes = [models.Index(fields=["place", "hand_over"], name="cash_not_handed_over")]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class Designation(models.Model):
    """The part of a donation given for one purpose ("支援武汉" 30,000; "本地一线" 20,000)."""

    donation = models.ForeignKey(CashDonation, on_delete=models.CASCADE, related_name="designations")
    purpose = models.CharField(_("purpose"), max_length=60)
    amount_fen = models.BigIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.purpose} {yuan(self.amount_fen)}"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class DonationTotal(models.Model):
    """Kept sums (lib/tallies): per place (and every place above it), day, drive and purpose, the fen
    given, the donations that gave to the purpose, and the gifts (each gift counted once, on the row of
    its first designation, so a period's gifts are the sum of this column): written with each donation,
    so a period's giving is read from kept rows like the activities'."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    drive_key = models.BigIntegerField()  # the drive's id, 0 for none (a key column cannot be NULL)
    purpose = models.CharField(max_length=60)
    amount_fen = models.BigIntegerField(default=0)
    donations = models.IntegerField(default=0)
    gifts = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["place", "day", "drive_key", "purpose"], name="one_donation_total_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day} {self.drive_key} {self.purpose}: {self.amount_fen}"


class DonorDay(models.Model):
    """Kept (lib/tallies): per place (and every place above it), day and donor, that donor's gifts of
    the day, so that the distinct donors of any period are counted from kept rows (a distinct count
    cannot be added up like a sum). A donor's being a veteran is fixed when the donor is recorded."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    donor_id = models.BigIntegerField()
    veteran = models.BooleanField()
    gifts = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "day", "donor_id", "veteran"], name="one_donor_a_day")
        ]
        # A period's distinct donors read from this index alone (gifts too, for the "gifts > 0" of a
        # corrected day): a province root's month is some hundred thousand rows, four times faster so.
        indexes = [models.Index(fields=["place", "day", "donor_id", "veteran", "gifts"], name="donor_days")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day} {self.donor_id}: {self.gifts}"


# --- goods ----------------------------------------------------------------------------------------------


class Item(models.Model):
    name = models.CharField(_("item"), max_length=60)  # "消毒液", "医用口罩"
    unit = models.CharField(_("unit"), max_length=10)  # "瓶", "件", "只", "箱"

    class Meta:
        verbose_name = _("item")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "unit"], name="one_item_per_unit")]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Delivery(models.Model):
    """Goods from a place's stock to a community, a front-line team or a person."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # from
    to_place = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    to_team = models.ForeignKey(
        "mobilization.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_person = models.CharField(_("to a person"), max_length=100, blank=True)  # a household in quarantine
    day = models.DateField(_("day"))
    delivered_by = models.CharField(_("delivered by"), max_length=50)
    received_by = models.CharField(_("received by"), max_length=50)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.day} → {self.destination}"

    @property
    def destination(self) -> str:
        return str(self.to_place or self.to_team or self.to_person)


class MoveKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    DELIVERED = "delivered", _("Delivered")
    USED = "used", _("Used")
    WRITTEN_OFF = "written_off", _("Written off")
    CORRECTION = "correction", _("Correction")


class StockMove(models.Model):
    """One line of a place's stock ledger: quantity in (+) or out (-) of an item. Append-only; a
    mistake is undone by a correction that reverses it."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="moves")
    quantity = models.IntegerField()
    kind = models.CharField(max_length=12, choices=MoveKind.choices)
    day = models.DateField(_("day"))
    donor = models.ForeignKey(Donor, null=True, blank=True, on_delete=models.PROTECT, related_name="goods")
    drive = models.ForeignKey(Drive, null=True, blank=True, on_delete=models.PROTECT, related_name="goods")
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [models.CheckConstraint(condition=~models.Q(quantity=0), name="a_move_moves_something")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.item_id} {self.quantity:+d}"


class StockLevel(models.Model):
    """What a place has on hand of an item, kept with each move; the database refuses a negative."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="levels")
    on_hand = models.IntegerField(default=0)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "item"], name="one_level_per_item"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="never_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.place_id} {self.item}: {self.on_hand}"
