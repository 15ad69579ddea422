"""Hardship help (帮扶援助) and its care fund (关爱基金).

A fund belongs to a place (a district or above, or a town) and keeps a ledger: money in (a donation
taken from the donations app, or the budget with its document), payments out to approved cases, and
corrections that reverse a line. Its balance is a kept column changed with each line by one guarded
UPDATE, and the database refuses a negative one.

A case is opened by a station for a veteran of its place, sent up the tree (station, town, district:
each level between the station and the fund's place decides), paid by the fund's keepers, followed up
by a visit, then closed. Eligibility rules are the bureau's data: a kind with its parameters.

Money is whole fen in integers, as in donations."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qunfang.core.access import PlaceScopedQuerySet
from qunfang.core.models import OrgUnit


def yuan(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / 100).quantize(Decimal("0.01"))


class FundScopedQuerySet(PlaceScopedQuerySet):
    place_path_field = "fund__place__path"


class CaseScopedQuerySet(PlaceScopedQuerySet):
    place_path_field = "case__place__path"


class Fund(models.Model):
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    name = models.CharField(_("name"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    # Kept with every line of the ledger, in the same transaction, by a guarded UPDATE.
    balance_fen = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("care fund")
        ordering = ["place__path", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(balance_fen__gte=0), name="fund_never_negative")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def balance(self) -> Decimal:
        return yuan(self.balance_fen)


class LineKind(models.TextChoices):
    DONATION = "donation", _("Donation taken in")
    BUDGET = "budget", _("Budget money in")
    PAYMENT = "payment", _("Payment to a case")
    CORRECTION = "correction", _("Correction")


class FundLine(models.Model):
    """One line of a fund's ledger: fen in (+) or out (-). Append-only: a mistake is reversed."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices)
    amount_fen = models.BigIntegerField()
    day = models.DateField(_("day"))
    donation = models.ForeignKey(
        "donations.CashDonation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(_("budget document"), max_length=100, blank=True)  # 清财〔2019〕12号
    case = models.ForeignKey(
        "HardshipCase", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FundScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [models.CheckConstraint(condition=~models.Q(amount_fen=0), name="a_line_moves_money")]

    def __str__(self) -> str:
        return f"{self.fund_id} {self.kind} {self.amount_fen:+d}"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class RuleKind(models.TextChoices):
    MEDICAL_COSTS_OVER = "medical_costs_over", _("Medical costs paid by the family in a year over")
    INCOME_PER_HEAD_UNDER = "income_per_head_under", _("Household income per head in a year under")
    NOT_HELPED_WITHIN = "not_helped_within", _("Not helped from the same fund in the last months")


class EligibilityRule(models.Model):
    """A check the bureau sets for the cases of its place and below: a kind with its parameter."""

    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=RuleKind.choices)
    amount_fen = models.BigIntegerField(null=True, blank=True)  # the threshold of the money kinds
    months = models.PositiveSmallIntegerField(null=True, blank=True)  # the exclusions' window
    active = models.BooleanField(_("in force"), default=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("eligibility rule")
        ordering = ["place__path", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.parameter}"

    @property
    def parameter(self) -> str:
        if self.kind == RuleKind.NOT_HELPED_WITHIN:
            return str(self.months)
        return str(yuan(self.amount_fen))


class CaseState(models.TextChoices):
    OPEN = "open", _("Being prepared")
    SENT = "sent", _("Waiting for a decision")
    RETURNED = "returned", _("Returned to the station")
    APPROVED = "approved", _("Approved, to be paid")
    PAID = "paid", _("Paid, to be followed up")
    CLOSED = "closed", pgettext_lazy("hardship case", "Closed")


class HardshipCase(models.Model):
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # the opening station
    veteran = models.ForeignKey("registry.Veteran", on_delete=models.PROTECT, related_name="hardship_cases")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(_("state"), max_length=10, choices=CaseState.choices, default=CaseState.OPEN)
    # The place whose decision the case waits for while it is sent; the station's own place otherwise.
    at = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    need = models.TextField(_("the need"), max_length=2000)
    situation = models.TextField(_("the household's situation"), max_length=2000, blank=True)
    household_size = models.PositiveSmallIntegerField(_("people in the household"), default=1)
    household_income_fen = models.BigIntegerField(null=True, blank=True)  # a year's income, whole household
    medical_costs_fen = models.BigIntegerField(null=True, blank=True)  # paid by the family in the year
    asked_fen = models.BigIntegerField()
    approved_fen = models.BigIntegerField(null=True, blank=True)  # the last level's approved amount
    paid_fen = models.BigIntegerField(default=0)  # kept with each payment, never above approved_fen
    # Each check as it stood when the case was last sent up: [{"rule", "label", "passed", "detail"}].
    checks = models.JSONField(default=list, blank=True)
    exception_reason = models.CharField(_("why send it up though a check fails"), max_length=500, blank=True)
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Seam for the veteran's own application online (later): who opened it, a station or the person.
    opened_online = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlaceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hardship case")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(asked_fen__gt=0), name="a_case_asks_something"),
            models.CheckConstraint(
                condition=models.Q(paid_fen__gte=0)
                & (
                    models.Q(approved_fen__isnull=True, paid_fen=0)
                    | models.Q(paid_fen__lte=models.F("approved_fen"))
                ),
                name="paid_within_approved",
            ),
        ]
        indexes = [models.Index(fields=["at", "state"], name="hardship_waiting_at")]

    def __str__(self) -> str:
        return f"{self.veteran} · {yuan(self.asked_fen)}"

    @property
    def asked(self) -> Decimal:
        return yuan(self.asked_fen)

    @property
    def approved(self) -> Decimal | None:
        return yuan(self.approved_fen) if self.approved_fen is not None else None

    @property
    def paid(self) -> Decimal:
        return yuan(self.paid_fen)

    @property
    def household_income(self) -> Decimal | None:
        return yuan(self.household_income_fen) if self.household_income_fen is not None else None

    @property
    def medical_costs(self) -> Decimal | None:
        return yuan(self.medical_costs_fen) if self.medical_costs_fen is not None else None

    @property
    def left_to_pay(self) -> Decimal:
        return yuan((self.approved_fen or 0) - self.paid_fen)

    @property
    def failing_checks(self) -> list[dict]:
        return [check for check in self.checks if not check["passed"]]


class StepKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    SENT = "sent", _("Sent up")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    PAID = "paid", _("Paid")
    PAYMENT_REVERSED = "payment_reversed", _("Payment reversed")
    FOLLOWED_UP = "followed_up", _("Followed up")


class CaseStep(models.Model):
    """What happened to a case, by whom, where: the case's history, and who may not decide it."""

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=16, choices=StepKind.choices)
    place = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")  # where it was taken
    amount_fen = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    day = models.DateField(null=True, blank=True)  # a follow-up visit's day
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def amount(self) -> Decimal | None:
        return yuan(self.amount_fen) if self.amount_fen is not None else None


class Attachment(models.Model):
    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="attachments")
    file = models.CharField(max_length=200)  # relative to MEDIA_ROOT (lib/uploads)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


# --- kept totals (lib/tallies) ---------------------------------------------------------------------------


class HelpedDay(models.Model):
    """Kept per place (and every place above it), day of payment and veteran: the fen paid and the
    payments (a reversal takes one off, on the reversed payment's day), so a period's amount and its
    distinct people helped are read from kept rows."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    veteran_id = models.BigIntegerField()
    paid_fen = models.BigIntegerField(default=0)
    payments = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "day", "veteran_id"], name="one_helped_day")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.day} {self.veteran_id}: {self.paid_fen}"


class CaseCount(models.Model):
    """Kept per place (and every place above it) and state: how many cases opened there are in it now."""

    place = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10)
    cases = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["place", "state"], name="one_case_count")]

    def __str__(self) -> str:
        return f"{self.place_id} {self.state}: {self.cases}"
