"""Every write once: a POST that carries a submission key (the hidden field every form renders with
{% submission_key %}, or an API client's Idempotency-Key header) is done once per key. The same key
again — Back and Save, a double tap, a retry after a lost answer, two tabs — gets the first answer
(the form's redirect, or the API's JSON as it was) and the view never runs a second time. A request
that did not succeed (a form shown again with its errors, a refusal) frees its key, so the person can
correct and send again. The key is bound to who sent it; another user's key is refused. An API key is
bound to its request too (method, path and body): the same key for another request is refused, and a
token that no longer signs in gets nothing replayed. An answer that shows a secret once (a revealed ID
number, a new token) is not kept: its key stays used, and a retry is told to ask again with a new key.

Written here rather than taken from a library: the maintained idempotency packages for Django serve
REST frameworks' JSON only, and none replays a form's redirect with its message."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core.middleware import database_unavailable
from qunfang.core.models import Submission
from qunfang.core.selectors import usable_token

FIELD = "submission_key"
HEADER = "HTTP_IDEMPOTENCY_KEY"
WAIT_SECONDS = 10  # a second copy waits this long for the first to finish
ABANDONED = timedelta(minutes=5)  # a key left pending this long (its process died) is free again
KEPT = timedelta(days=2)


def _valid(key: str) -> bool:
    return 8 <= len(key) <= 64 and key.isprintable()


def _key(request) -> str:
    key = (request.META.get(HEADER) or "").strip()
    if not key and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        key = request.POST.get(FIELD, "").strip()
    return key if _valid(key) else ""


def _who(request) -> str | None:
    """Whose key it is: the signed-in user, the API token's account, or the browser (its CSRF cookie);
    None for a token that no longer signs in (the API refuses it; nothing may be replayed to it)."""
    authorization = request.META.get("HTTP_AUTHORIZATION") or ""
    if authorization.startswith("Bearer ") and _api(request):  # the API signs in by the token first
        token = usable_token(authorization.removeprefix("Bearer ").strip())
        return f"user:{token.user_id}" if token else None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    secret = authorization or request.COOKIES.get("csrftoken") or ""
    return "anon:" + hashlib.sha256(secret.encode()).hexdigest()[:40]


def _fingerprint(request) -> str:
    """An API request as the key is bound to it: its method, path and body (an upload by its length,
    not read into memory here)."""
    if request.content_type == "multipart/form-data":
        body = request.META.get("CONTENT_LENGTH", "").encode()
    else:
        body = request.body
    return hashlib.sha256(b"%s %s\n%s" % (request.method.encode(), request.path.encode(), body)).hexdigest()


def answer_shown_once(request) -> None:
    """Called by an API operation whose answer shows a secret (a revealed number, a new token): its
    answer is not kept for a retry, which is asked to send a new key instead."""
    request.qunfang_answer_shown_once = True


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _replay(request, done: Submission) -> HttpResponse:
    if done.body is None and not done.location:  # an answer shown once, not kept
        message = _("This was done already and its answer was shown once; send a new key to ask again.")
        return _refused(request, message)
    if done.location:
        messages.info(request, _("This was saved already; it was not saved a second time."))
        return HttpResponseRedirect(done.location)
    answer = HttpResponse(bytes(done.body or b""), status=done.status or 200, content_type=done.content_type)
    answer["Idempotent-Replayed"] = "true"
    return answer


def _refused(request, message: str, status: int = 409) -> HttpResponse:
    if _api(request):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _busy(request) -> HttpResponse:
    return _refused(request, _("This is being saved from another tap or tab; look again in a moment."))


class OnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST":
            return self.get_response(request)
        try:
            return self._once(request)
        except (OperationalError, InterfaceError):
            # Met here, before the view (or while freeing a key after it): no write was answered as done.
            return database_unavailable(request)

    def _once(self, request):
        sent = (request.META.get(HEADER) or "").strip()
        if sent and _api(request) and not _valid(sent):
            message = _("The Idempotency-Key must be 8 to 64 printable characters.")
            return _refused(request, message, status=422)
        key = _key(request)
        who = _who(request) if key else None
        if who is None:
            return self.get_response(request)  # nothing to hold once, or a token the API will refuse
        if not _hold(key):
            return _busy(request)
        try:
            claimed = self._claim(request, key, who)
            if isinstance(claimed, HttpResponse):
                return claimed
            try:
                response = self.get_response(request)
            except BaseException:
                claimed.delete()
                raise
            self._settle(request, claimed, response)
        finally:
            _release(key)
        return response

    def _claim(self, request, key: str, who: str) -> Submission | HttpResponse:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                with transaction.atomic():  # a savepoint: the clash must not spoil an enclosing transaction
                    return Submission.objects.create(
                        key=key, who=who, path=request.path[:300], fingerprint=_fingerprint_of(request)
                    )
            except IntegrityError:
                found = Submission.objects.filter(key=key).first()
            if found is None:
                continue  # freed meanwhile: claim it
            if found.who != who:
                return (
                    _busy(request)
                    if found.done_at is None
                    else _refused(request, _("This key is not yours."))
                )
            if found.fingerprint != _fingerprint_of(request):
                message = _("This Idempotency-Key came with another request; send this one with a new key.")
                return _refused(request, message, status=422)
            if found.done_at is not None:
                return _replay(request, found)
            if timezone.now() - found.created_at > ABANDONED or _postgres():  # (on PostgreSQL: _hold)
                Submission.objects.filter(pk=found.pk, done_at=None).delete()
                continue
            if time.monotonic() > deadline:
                return _busy(request)
            time.sleep(0.2)

    def _settle(self, request, claimed: Submission, response) -> None:
        """Keep the answer of a success; free the key of anything else."""
        status = response.status_code
        if 300 <= status < 400 and response.get("Location"):
            claimed.location = response["Location"][:500]
        elif 200 <= status < 300 and _api_json(response):
            if not getattr(request, "qunfang_answer_shown_once", False):
                claimed.body, claimed.content_type = response.content, response["Content-Type"]
        else:
            claimed.delete()
            return
        claimed.status, claimed.done_at = status, timezone.now()
        claimed.save(update_fields=["location", "body", "content_type", "status", "done_at"])
        Submission.objects.filter(created_at__lt=timezone.now() - KEPT).delete()


# On PostgreSQL a request holds a lock named by its key on its database session from before it claims the
# key until it has settled it; a second copy waits for the lock (WAIT_SECONDS) before it looks. So a claim
# it then finds still pending was left by a request whose session is gone — the database failed under it
# (a failover), or its process died — and the retry takes it over at once, rather than being told for
# minutes that it is being saved. (On SQLite, one machine's, ABANDONED stays the rule; behind pgbouncer in
# transaction pooling too, where a lock taken and released in two transactions could meet two sessions.)


def _postgres() -> bool:
    return connection.vendor == "postgresql" and not settings.PGBOUNCER


def _lock_id(key: str) -> int:
    return int.from_bytes(hashlib.sha256(b"once:" + key.encode()).digest()[:8], "big", signed=True)


def _hold(key: str) -> bool:
    """The key's lock, waited for WAIT_SECONDS at most (True at once on SQLite)."""
    if not _postgres():
        return True
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_id(key)])
            if cursor.fetchone()[0]:
                return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def _release(key: str) -> None:
    if _postgres():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_id(key)])
        except DatabaseError:
            pass  # the session is gone, and its lock with it


def _api_json(response) -> bool:
    return not getattr(response, "streaming", False) and response.get("Content-Type", "").startswith(
        "application/json"
    )


def _fingerprint_of(request) -> str:
    """Only an API request is bound to its body: a form sent again after Back carries the same key and
    is told it was saved already, whatever was changed on the page meanwhile."""
    return _fingerprint(request) if _api(request) else ""
