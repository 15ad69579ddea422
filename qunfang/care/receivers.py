"""The registry's and the kernel's changes the kept dues follow (connected in apps.ready)."""

from django.db import transaction

from qunfang.care.services import dues


def veteran_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    with transaction.atomic():  # inside the registry's service, a savepoint
        dues.follow_veteran(instance)


def tags_changed(sender, instance, action, reverse=False, **kwargs) -> None:
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    with transaction.atomic():
        dues.follow_veteran(instance)


def places_moved(sender, **kwargs) -> None:
    dues.move_totals(sender, **kwargs)
