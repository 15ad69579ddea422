"""Every public function of every app's services says what it is (core/writes.py), and is held to it:
a write is one transaction with its audit entry, a check writes nothing."""

import importlib
import inspect
import pkgutil

import pytest
from django.apps import apps
from django.db import transaction

from qunfang.core import audit
from qunfang.core.models import AuditEntry, OrgUnit
from qunfang.core.writes import KINDS, in_steps, service, within_a_service, writes_nothing


def services_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("qunfang."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        yield module
        if hasattr(module, "__path__"):  # a package: one module a topic
            for info in pkgutil.iter_modules(module.__path__):
                yield importlib.import_module(f"{module.__name__}.{info.name}")


def test_every_public_service_function_says_what_it_is():
    unmarked, steps_without_reason = [], []
    for module in services_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            kind = getattr(function, "write_kind", None)
            if kind not in KINDS:
                unmarked.append(f"{module.__name__}.{name}")
            elif kind == "in_steps" and len(function.write_why) < 20:
                steps_without_reason.append(f"{module.__name__}.{name}")
    assert unmarked == [], "mark each with @service, @within_a_service, @in_steps(why) or @writes_nothing"
    assert steps_without_reason == []


def test_a_service_that_writes_without_an_audit_entry_fails(db, world):
    @service
    def rename_quietly(*, place):
        OrgUnit.objects.filter(pk=place.pk).update(name="悄悄改名")

    with pytest.raises(AssertionError, match="without an audit entry"):
        rename_quietly(place=world.jingkou)


def test_a_service_with_its_audit_entry_is_one_transaction(db, world):
    @service
    def rename(*, place, fail: bool):
        OrgUnit.objects.filter(pk=place.pk).update(name="改名")
        audit.record(by=None, action="place.rename", place=place, target=place)
        if fail:
            raise ValueError("refused")

    with pytest.raises(ValueError):
        rename(place=world.jingkou, fail=True)
    world.jingkou.refresh_from_db()
    assert world.jingkou.name == "迳口村" and not AuditEntry.objects.filter(action="place.rename").exists()
    rename(place=world.jingkou, fail=False)
    assert AuditEntry.objects.filter(action="place.rename").count() == 1


def test_a_check_that_writes_fails_and_a_part_needs_its_service(db, world):
    @writes_nothing
    def looks_harmless():
        OrgUnit.objects.filter(pk=world.jingkou.pk).update(name="改名")

    with pytest.raises(AssertionError, match="writing nothing"):
        looks_harmless()

    @within_a_service
    def part():
        return "done"

    with transaction.atomic():
        assert part() == "done"

    @in_steps("a reason long enough to be one")
    def long_work():
        return 1

    assert long_work.write_kind == "in_steps"
