"""Appointments at a service hall once it reopens, so that the hall is not crowded: a place's hall (a
district centre or a town station) with whether it is closed and until when, its slots (a day, a start
and an end, how many people each takes) and the veterans' appointments in them, each with a queue
number given in the order of booking, unique per hall and day.

A slot keeps how many of its places are taken (`booked`, never above its capacity: the database
refuses it), so that two phones booking the last place make one appointment: the booking is a
conditional UPDATE that only one of them wins."""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


class HallQuerySet(PlaceScopedQuerySet):
    place_path_field = "place__path"


class Hall(models.Model):
    """A place's service hall, open unless closed from a day (with the reason) until it reopens."""

    place = models.OneToOneField(OrgUnit, on_delete=models.PROTECT, related_name="hall")
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    closed_from = models.DateField(_("closed from"), null=True, blank=True)
    closed_reason = models.CharField(_("why it is closed"), max_length=200, blank=True)
    reopens_on = models.DateField(_("reopens on"), null=True, blank=True)  # None: not yet known

    objects = HallQuerySet.as_manager()

    class Meta:
        verbose_name = _("service hall")
        ordering = ["place__path"]

    def __str__(self) -> str:
        return self.name

    def closed_on(self, day: date) -> bool:
        """Whether the hall is closed to the public on the day."""
        if self.closed_from is None or day < self.closed_from:
            return False
        return self.reopens_on is None or day < self.reopens_on


class SlotQuerySet(PlaceScopedQuerySet):
    place_path_field = "hall__place__path"


class Slot(models.Model):
    """A time at a hall that takes `capacity` people; `booked` of its places are taken."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="slots")
    day = models.DateField(_("day"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    capacity = models.PositiveSmallIntegerField(_("people"))
    booked = models.PositiveSmallIntegerField(default=0)
    purpose = models.CharField(_("for"), max_length=100, blank=True)  # blank: anything

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("slot")
        ordering = ["day", "start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "start"], name="one_slot_a_time"),
            models.CheckConstraint(
                condition=models.Q(booked__lte=models.F("capacity")), name="never_overbooked"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def left(self) -> int:
        return self.capacity - self.booked


class HallDay(models.Model):
    """The last queue number a hall gave for a day: numbers follow each other in the order of booking."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "day"], name="one_counter_a_hall_day")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.day}: {self.last}"


class AppointmentState(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    CAME = "came", _("Came")
    MISSED = "missed", _("Missed")


class AppointmentQuerySet(PlaceScopedQuerySet):
    place_path_field = "hall__place__path"  # the staff see the appointments at their halls


class Appointment(models.Model):
    veteran = models.ForeignKey("registry.Veteran", on_delete=models.PROTECT, related_name="appointments")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="appointments")  # the slot's
    day = models.DateField(_("day"))  # the slot's: one appointment a veteran and day
    purpose = models.CharField(_("what for"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=AppointmentState.choices, default=AppointmentState.BOOKED
    )
    queue_number = models.PositiveIntegerField(_("queue number"))
    called_at = models.DateTimeField(null=True, blank=True)  # called to the counter
    reminded_at = models.DateTimeField(null=True, blank=True)  # the day before's SMS, sent once
    booked_by = models.CharField(max_length=40)  # the audit's name: "veteran:7" or a staff username
    submission = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        ordering = ["day", "slot__start", "queue_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["veteran", "day"],
                condition=~models.Q(state="cancelled"),
                name="one_appointment_a_day",
            ),
            models.UniqueConstraint(fields=["hall", "day", "queue_number"], name="one_queue_number"),
        ]

    def __str__(self) -> str:
        return f"{self.day} #{self.queue_number} {self.veteran_id}"

    @property
    def state_label(self) -> str:
        return AppointmentState(self.state).label


class AppointmentTotal(models.Model):
    """Kept sums (lib/tallies): per place of the hall (and every place above it) and day, the
    appointments held (booked and not cancelled), those who came and those who missed theirs."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    booked = models.IntegerField(default=0)
    came = models.IntegerField(default=0)
    missed = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "day"], name="one_appointment_total_a_day")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day}: {self.booked}/{self.came}/{self.missed}"
