"""Two apps' schemas of one name would be one component of the API's OpenAPI document: the later silently
replaces the earlier, and clients (and the fuzzing) read the wrong shape for one of them (the portal's
"MeOut" once hid the staff's)."""

from collections import defaultdict

from ninja import Schema

from qunfang.lib.apps import app_modules


def _schemas_of(module) -> list[type]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__
    ]


def test_no_two_api_schemas_share_a_name():
    import qunfang.api  # noqa: F401  (the routers mounted, every api module imported)

    owners = defaultdict(set)
    for _config, module in app_modules("api"):
        for schema in _schemas_of(module):
            owners[schema.__name__].add(module.__name__)
    shared = {name: sorted(modules) for name, modules in owners.items() if len(modules) > 1}
    assert shared == {}
