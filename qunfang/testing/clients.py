"""Signed-in test clients, the second factor passed, and the uploads a phone would send."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.response import HttpResponseBase
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from qunfang.core import services
from qunfang.core.middleware import needs_second_factor
from qunfang.core.models import User


def image_upload(name: str = "photo.png", size: tuple[int, int] = (64, 48)) -> SimpleUploadedFile:
    """A real little PNG, as a phone would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def totp_device(user: User) -> TOTPDevice:
    """The user's confirmed authenticator, made on first need."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test phone", confirmed=True
    )


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class ClosingClient(Client):
    """A test client that reads a streamed answer (a photo, a file) whole, as a web server does; the
    test client closes it once read. Left unread, the file stays open until the garbage collector
    closes it, anywhere, with a ResourceWarning that once broke an unrelated import mid-test. (Not
    response.close() here: that would also close the test's database connection.)"""

    def request(self, **request: Any) -> HttpResponseBase:
        response = super().request(**request)
        if response.streaming:
            response.streaming_content = list(response.streaming_content)
        return response


def client_for(user: User, language: str = "zh-hans") -> Client:
    """A signed-in client; users who need the second factor have passed it, as after entering a code."""
    client = ClosingClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    if needs_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client


def api_client_for(user: User) -> Client:
    """A client of the API with a bearer token of the user's, as a phone app or an integration."""
    _token, raw = services.issue_token(by=user, name="phone app")
    return ClosingClient(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="zh-hans")
