"""Every schema of the API has a name of its own: the OpenAPI document keys schemas by class name, so a
second `NoticeIn` in another app silently takes the first one's place in the document, and clients
(and the sibling-place walk) then send the wrong body."""

from collections import defaultdict

from ninja import Schema

import qunfang.api  # noqa: F401 (imports every app's API, and so every schema)


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_no_two_schemas_of_the_api_share_a_name():
    modules = defaultdict(set)
    for schema in subclasses(Schema):
        if schema.__module__.startswith("qunfang.") and ".tests." not in schema.__module__:
            modules[schema.__name__].add(schema.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}
