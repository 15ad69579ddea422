"""A code sent by SMS to sign a veteran (or a family member) in. The code itself is never stored: only
its keyed hash, under the phone's blind index, so that neither the table nor a backup tells a code or a
number."""

from django.db import models


class SignInCode(models.Model):
    phone_index = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone_index", "-created_at"], name="portal_code_phone")]

    def __str__(self) -> str:
        return f"sign-in code {self.pk}"
