from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qunfang.core"
    label = "core"
    verbose_name = _("Places and people")
    test_records = "qunfang.core.testing.records_at"  # qunfang/testing/records

    def ready(self) -> None:
        from django import forms
        from django.db.models.signals import post_delete, post_save

        from qunfang.core import deploy  # noqa: F401  (registers the deployment check)
        from qunfang.lib.dates import check_within_years
        from qunfang.lib.text import no_control_characters

        # Every text field of every form refuses control characters, and every day and time field the
        # years beyond any record of ours: one rule each, not one per form.
        forms.CharField.default_validators = [*forms.CharField.default_validators, no_control_characters]
        for field in (forms.DateField, forms.DateTimeField):
            field.default_validators = [*field.default_validators, check_within_years]

        from qunfang.core.models import OrgUnit
        from qunfang.core.selectors import forget_tree_shape
        from qunfang.core.signals import place_moved

        post_save.connect(forget_tree_shape, sender=OrgUnit, dispatch_uid="core.forget_tree_on_save")
        post_delete.connect(forget_tree_shape, sender=OrgUnit, dispatch_uid="core.forget_tree_on_delete")
        place_moved.connect(forget_tree_shape, dispatch_uid="core.forget_tree_moved")
