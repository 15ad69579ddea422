from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "qunfang.community"
    label = "community"
    verbose_name = _("Community")
    test_records = "qunfang.community.testing.records_at"  # qunfang/testing/records
    figures = "qunfang.community.selectors.figures.figures_for"  # a place's figures (lib/figures)
    work = "qunfang.community.home.work_for"  # lib/work
    place_links = "qunfang.community.home.place_links"  # lib/work
    menu = "qunfang.community.home.menu"  # lib/work
