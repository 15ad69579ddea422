"""Every write to people: accounts, their memberships (a role at a place), passwords, access tokens and
the second factor. The services that change an account check again that `by` manages it
(`Scope.manages`): taking over an account is the one harm a place rule alone does not stop."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from qunfang.core import audit
from qunfang.core.access import Scope
from qunfang.core.models import (
    AccessToken,
    Membership,
    OrgUnit,
    User,
)
from qunfang.core.roles import Role
from qunfang.core.writes import service, writes_nothing

# --- people and memberships ---------------------------------------------------------------------------

USER_FIELDS = ["username", "full_name", "is_active"]


@service
def create_user(
    *, by: User | None, username: str, full_name: str, password: str, place: OrgUnit, role: str
) -> User:
    """A new account with its first membership, so that it belongs to a place from the start."""
    # NFKC first: "ＲＯＯＴ" is "ROOT", which must meet the operator's "root" here, not after saving.
    username = User.normalize_username(username.strip())
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("The user name “%(name)s” is taken.") % {"name": username}})
    user = User(username=username, full_name=full_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        by=by, action="user.create", place=place, target=user, after=audit.snapshot(user, USER_FIELDS)
    )
    _add_membership(by=by, user=user, place=place, role=role)
    return user


@writes_nothing
def check_manages(by: User | None, account: User) -> None:
    """Refuse unless `by` may change the account (the command line, `by=None`, may change any)."""
    if by is not None and not Scope.for_user(by).manages(account):
        raise PermissionDenied


@service
def add_membership(*, by: User | None, user: User, place: OrgUnit, role: str) -> Membership:
    """Another role for an account the caller already manages."""
    check_manages(by, user)
    return _add_membership(by=by, user=user, place=place, role=role)


def _add_membership(*, by: User | None, user: User, place: OrgUnit, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("“%(role)s” is not a role.") % {"role": role}})
    # The operator (a superuser) gives any role, as the operator's pages do; everyone else within reach.
    if by is not None and not by.is_superuser and not Scope.for_user(by).may_grant(role, place.path):
        raise ValidationError({"role": _("You may not give this role here.")})
    if Membership.objects.filter(user=user, place=place, role=role).exists():
        raise ValidationError(_("%(user)s already has this role here.") % {"user": user})
    membership = Membership.objects.create(user=user, place=place, role=role)
    audit.record(
        by=by,
        action="membership.add",
        place=place,
        target=membership,
        after=audit.snapshot(membership, ["user", "place", "role"]),
    )
    return membership


@service
def remove_membership(*, by: User | None, membership: Membership) -> None:
    check_manages(by, membership.user)
    if by is not None and membership.user_id == by.pk:
        # Nobody saws off the branch they sit on; another admin can remove it.
        raise ValidationError(_("You cannot remove your own role."))
    before = audit.snapshot(membership, ["user", "place", "role"])
    audit.record(by=by, action="membership.remove", place=membership.place, target=membership, before=before)
    membership.delete()
    # What the account's tokens could reach has changed under them: they end, as with a new password.
    _end_tokens(by=by, user=membership.user, why="membership.remove", place=membership.place)


@service
def set_user_active(*, by: User | None, user: User, active: bool, place: OrgUnit) -> User:
    check_manages(by, user)
    if by is not None and user.pk == by.pk:
        raise ValidationError(_("You cannot switch off your own account."))
    before = audit.snapshot(user, USER_FIELDS)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        by=by,
        action="user.activate" if active else "user.deactivate",
        place=place,
        target=user,
        before=before,
        after=audit.snapshot(user, USER_FIELDS),
    )
    if not active:
        _end_tokens(by=by, user=user, why="user.deactivate", place=place)
    return user


@service
def set_password(*, by: User | None, user: User, password: str, place: OrgUnit | None) -> User:
    if by != user:
        check_manages(by, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # The audit says that it changed, never what to.
    audit.record(by=by, action="user.set_password", place=place, target=user)
    # Sessions end by themselves (their hash follows the password); tokens are ended here, and a
    # password changed elsewhere (the operator's pages, the command line) ends them at their next use.
    _end_tokens(by=by, user=user, why="user.set_password", place=place)
    return user


# --- personal access tokens ---------------------------------------------------------------------------

TOKEN_PREFIX = "qf_"


@writes_nothing
def token_digest(raw: str) -> str:
    # A token has 256 random bits, so a plain SHA-256 cannot be reversed by guessing; a slow password
    # hash would only slow every API call.
    return hashlib.sha256(raw.encode()).hexdigest()


@service
def issue_token(*, by: User, name: str) -> tuple[AccessToken, str]:
    """A new token for the user's own API use. The raw token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so you know later what uses it.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=by,
        name=name[:100],
        prefix=raw[:10],
        digest=token_digest(raw),
        password_hash=by.get_session_auth_hash(),
    )
    audit.record(by=by, action="token.issue", place=None, target=token, after={"name": token.name})
    return token, raw


@service
def revoke_token(*, by: User, token: AccessToken) -> AccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(by=by, action="token.revoke", place=None, target=token, after={"name": token.name})
    return token


def _end_tokens(*, by: User | None, user: User, why: str, place: OrgUnit | None) -> None:
    ended = AccessToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
    if ended:
        audit.record(by=by, action="token.end", place=place, target=user, after={"tokens": ended, "why": why})


# --- two-factor sign-in -------------------------------------------------------------------------------


@service
def pending_totp_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is enrolling, made on first need (the key shown as a QR)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        audit.record(by=user, action="user.start_second_factor", place=None, target=user)
    return device


@service
def confirm_totp_device(*, by: User, device: TOTPDevice, code: str) -> bool:
    """Confirm the device with a first code from the authenticator app; False when the code is wrong."""
    if not device.verify_token(code.strip()):
        # The device counts the failure (its throttle): the log keeps it beside the successes.
        audit.record(by=by, action="user.second_factor_refused", place=None, target=by)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(by=by, action="user.enrol_second_factor", place=None, target=by)
    return True


@service
def reset_second_factor(*, by: User, user: User, place: OrgUnit) -> None:
    """Forget a user's authenticators (a lost phone); they enrol a new one at their next sign-in."""
    check_manages(by, user)
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(by=by, action="user.reset_second_factor", place=place, target=user)
