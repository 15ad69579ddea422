"""Every write once: a POST that carries a submission key (the hidden field every form renders with
{% submission_key %}, or an API client's Idempotency-Key header) is done once per key. The same key
again — Back and Save, a double tap, a retry after a lost answer, two tabs — gets the first answer
(the form's redirect, or the API's JSON as it was) and the view never runs a second time. A request
that did not succeed (a form shown again with its errors, a refusal) frees its key, so the person can
correct and send again. The key is bound to who sent it; another user's key is refused.

Written here rather than taken from a library: the maintained idempotency packages for Django serve
REST frameworks' JSON only, and none replays a form's redirect with its message."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qunfang.core.models import Submission

FIELD = "submission_key"
HEADER = "HTTP_IDEMPOTENCY_KEY"
WAIT_SECONDS = 10  # a second copy waits this long for the first to finish
ABANDONED = timedelta(minutes=5)  # a key left pending this long (its process died) is free again
KEPT = timedelta(days=2)


def _key(request) -> str:
    key = request.META.get(HEADER) or ""
    if not key and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        key = request.POST.get(FIELD, "")
    key = key.strip()
    return key if 8 <= len(key) <= 64 and key.isprintable() else ""


def _who(request) -> str:
    """Whose key it is: the signed-in user, the API token, or the browser (its CSRF cookie)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    secret = request.META.get("HTTP_AUTHORIZATION") or request.COOKIES.get("csrftoken") or ""
    return "anon:" + hashlib.sha256(secret.encode()).hexdigest()[:40]


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _replay(request, done: Submission) -> HttpResponse:
    if done.location:
        messages.info(request, _("This was saved already; it was not saved a second time."))
        return HttpResponseRedirect(done.location)
    answer = HttpResponse(bytes(done.body or b""), status=done.status or 200, content_type=done.content_type)
    answer["Idempotent-Replayed"] = "true"
    return answer


def _busy(request) -> HttpResponse:
    message = _("This is being saved from another tap or tab; look again in a moment.")
    if _api(request):
        return JsonResponse({"detail": message}, status=409)
    return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")


class OnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _key(request) if request.method == "POST" else ""
        if not key:
            return self.get_response(request)
        who = _who(request)
        claimed = self._claim(request, key, who)
        if isinstance(claimed, HttpResponse):
            return claimed
        try:
            response = self.get_response(request)
        except BaseException:
            claimed.delete()
            raise
        self._settle(claimed, response)
        return response

    def _claim(self, request, key: str, who: str) -> Submission | HttpResponse:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                with transaction.atomic():  # a savepoint: the clash must not spoil an enclosing transaction
                    return Submission.objects.create(key=key, who=who, path=request.path[:300])
            except IntegrityError:
                found = Submission.objects.filter(key=key).first()
            if found is None:
                continue  # freed meanwhile: claim it
            if found.who != who:
                return _busy(request) if found.done_at is None else HttpResponse(status=409)
            if found.done_at is not None:
                return _replay(request, found)
            if timezone.now() - found.created_at > ABANDONED:
                Submission.objects.filter(pk=found.pk, done_at=None).delete()
                continue
            if time.monotonic() > deadline:
                return _busy(request)
            time.sleep(0.2)

    def _settle(self, claimed: Submission, response) -> None:
        """Keep the answer of a success; free the key of anything else."""
        status = response.status_code
        if 300 <= status < 400 and response.get("Location"):
            claimed.location = response["Location"][:500]
        elif 200 <= status < 300 and _api_json(response):
            claimed.body, claimed.content_type = response.content, response["Content-Type"]
        else:
            claimed.delete()
            return
        claimed.status, claimed.done_at = status, timezone.now()
        claimed.save(update_fields=["location", "body", "content_type", "status", "done_at"])
        Submission.objects.filter(created_at__lt=timezone.now() - KEPT).delete()


def _api_json(response) -> bool:
    return not getattr(response, "streaming", False) and response.get("Content-Type", "").startswith(
        "application/json"
    )
