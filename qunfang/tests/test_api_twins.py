"""Each page that writes names its API twin, over the same service, or says why it has none
(lib/twins.py); a twin named must be an operation of the API."""

import inspect
import re

import pytest
from django.apps import apps
from django.utils.module_loading import import_string

from qunfang.api import api
from qunfang.lib.apps import project_apps
from qunfang.lib.twins import PAGE_ONLY, TWIN
from qunfang.testing.walks import page_routes

APPS_CHECKED: tuple[str, ...] = tuple(config.label for config in project_apps())

# A view writes when it takes a POST: it reads the posted form, says it takes POST, or hands the request
# to core.views' form helpers, which do.
WRITES = re.compile(
    r"request\.method\s*==\s*\"POST\"|request\.POST|require_POST|require_http_methods|def post\("
    r"|form_page\(|posted_form\("
)


def api_operations() -> set:
    """Every operation's function, in the routers and the routers inside them."""
    found, routers = set(), [mounted[1] for mounted in api._routers]
    while routers:
        router = routers.pop()
        routers.extend(mounted[1] for mounted in router._routers)  # (prefix, router[, tags])
        for path_view in router.path_operations.values():
            found.update(operation.view_func for operation in path_view.operations)
    return found


def writing_pages(app_label: str):
    module = apps.get_app_config(app_label).module.__name__ + "."
    for route, view in page_routes():
        if not route.startswith("/api/") and view.__module__.startswith(module):
            source = inspect.getsource(inspect.unwrap(getattr(view, "view_class", view)))
            if WRITES.search(source):
                yield route, view


@pytest.mark.parametrize("app_label", APPS_CHECKED)
def test_each_writing_page_has_an_api_twin_or_says_why_not(app_label):
    operations = api_operations()
    missing, wrong = [], []
    for route, view in writing_pages(app_label):
        twins, reason = getattr(view, TWIN, ()), getattr(view, PAGE_ONLY, "")
        if not twins and not reason:
            missing.append(f"{route} ({view.__module__}.{view.__name__})")
        for twin in twins:
            if import_string(twin) not in operations:
                wrong.append(f"{route} names {twin}, which is no API operation")
    assert not missing, "pages that write with no API twin and no reason:\n" + "\n".join(missing)
    assert not wrong, "\n".join(wrong)
