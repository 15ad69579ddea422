"""Every write once (core/once.py). The walk opens every page as the village's own clerk and the
district's admin, finds every form that writes (each carries a submission key), and sends each twice
with the same key, as Back and Save again or a double tap would: the second time changes nothing and
gets the first answer. Then the forms and API operations people use most, filled in so that the first
send succeeds, are sent twice too: one record each."""

import re
from html.parser import HTMLParser

import pytest

from qunfang.core.models import Submission
from qunfang.core.once import FIELD
from qunfang.donations.models import CashDonation, Donor
from qunfang.mobilization.models import ActivityRecord
from qunfang.testing.clients import api_client_for, client_for
from qunfang.testing.records import records_at
from qunfang.testing.walks import changed_since, fill_route, page_routes, route_ids, snapshot

SKIPPED = ("/operator/", "/accounts/", "/i18n/", "/healthz", "/api/", "/public/")


class Forms(HTMLParser):
    """The POST forms of a page that carry a submission key, each as (action, fields)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = (attrs.get("action") or "", {})
        elif tag == "option" and self._form is not None and self._select:
            if "selected" in attrs or self._select not in self._form[1]:
                self._form[1][self._select] = attrs.get("value", "")
        elif self._form is None or "name" not in attrs:
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind != "file":
                self._form[1].setdefault(
                    attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else "")
                )
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "textarea":
            self._form[1].setdefault(attrs["name"], "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            if FIELD in self._form[1]:
                self.forms.append(self._form)
            self._form = None


def forms_on(page: str) -> list[tuple[str, dict]]:
    parser = Forms()
    parser.feed(page)
    return parser.forms


@pytest.mark.parametrize(
    "who",
    [
        "village clerk",
        pytest.param(
            "district admin",
            marks=pytest.mark.sqlite_pass(
                "the submission keys are one middleware for every form; on PostgreSQL the village clerk's "
                "forms send them twice"
            ),
        ),
    ],
)
def test_every_writing_form_sent_twice_with_its_key_writes_once(world, who):
    user, place = (world.carol, world.jingkou) if who == "village clerk" else (world.alice, world.qingxin)
    ids = {**route_ids(records_at(world.jingkou, by=world.carol, text="邻居志愿者")), "place_id": place.pk}
    client = client_for(user)
    sent = 0
    for route, _view in page_routes():
        if route.startswith(SKIPPED) or "<" in route and not re.search(r"<(?:\w+:)?\w+>", route):
            continue
        address = fill_route(route, ids)
        page = client.get(address)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        for action, fields in forms_on(page.content.decode(errors="replace")):
            url = action or address
            if "logout" in url or "/i18n/" in url:
                continue
            first = client.post(url, fields)
            before = snapshot()
            again = client.post(url, fields)
            assert changed_since(before) == [], f"{url} wrote a second time with the same key"
            assert (again.status_code, again.get("Location")) == (
                first.status_code,
                first.get("Location"),
            ) or (first.status_code == 200 and again.status_code == 200), url
            sent += 1
    assert sent > 40  # the walk reached the forms (a guard against a walk that found none)


def test_a_donation_with_a_new_donor_sent_twice_is_one_gift_and_one_donor(world):
    client = client_for(world.carol)
    page = client.get(f"/places/{world.jingkou.pk}/donations/new/").content.decode()
    (_action, fields), *_ = forms_on(page)
    fields.update({"donor_name": "回头客", "amount": "100", "day": "2020-02-01"})
    first = client.post(f"/places/{world.jingkou.pk}/donations/new/", fields)
    again = client.post(f"/places/{world.jingkou.pk}/donations/new/", fields)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert CashDonation.objects.count() == 1 and Donor.objects.filter(name="回头客").count() == 1


def test_the_days_work_sent_twice_and_back_then_save_again_counts_once(world):
    client = client_for(world.carol)
    address = f"/places/{world.jingkou.pk}/activities/day/?day=2020-01-28"
    page = client.get(address).content.decode()
    (_action, fields), *_ = forms_on(page)
    fields.update({"day": "2020-01-28", "count_temperature_checks": "40"})
    assert client.post(address, fields).status_code == 302
    assert client.post(address, fields).status_code == 302  # the same key: the first answer again
    # Back to the form and Save again, with a fresh page's key: the form shows what is recorded and asks.
    page = client.get(address).content.decode()
    assert "测量体温 40人次" in page
    (_action, fresh), *_ = forms_on(page)
    fresh.update({"day": "2020-01-28", "count_temperature_checks": "40"})
    asked = client.post(address, fresh)
    assert asked.status_code == 200 and "已有记录" in asked.content.decode()
    assert sum(r.count for r in ActivityRecord.objects.filter(place=world.jingkou)) == 40
    fresh["add_to_recorded"] = "on"  # the clerk says it is more work: then it is added
    assert client.post(address, fresh).status_code == 302
    assert sum(r.count for r in ActivityRecord.objects.filter(place=world.jingkou)) == 80


def test_an_api_gift_double_tapped_with_its_key_is_one_gift_and_no_empty_donor(world):
    client = api_client_for(world.carol)
    gift = {"place_id": world.jingkou.pk, "donor_name": "新捐赠人", "day": "2020-02-01", "amount": "50"}
    answers = [
        client.post(
            "/api/v1/donations/cash", gift, content_type="application/json", HTTP_IDEMPOTENCY_KEY="tap-1234"
        )
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201] and answers[0].json() == answers[1].json()
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert CashDonation.objects.count() == 1 and Donor.objects.filter(name="新捐赠人").count() == 1
    # The body's own key does the same for a client that cannot set headers.
    body = {**gift, "submission": "body-key-1"}
    for _ in range(2):
        client.post("/api/v1/donations/cash", body, content_type="application/json")
    assert CashDonation.objects.count() == 2 and Donor.objects.filter(name="新捐赠人").count() == 2


def test_a_refused_form_frees_its_key_and_another_users_key_is_refused(world):
    client = client_for(world.carol)
    address = f"/places/{world.jingkou.pk}/donations/new/"
    (_action, fields), *_ = forms_on(client.get(address).content.decode())
    fields.update({"donor_name": "拒收", "amount": "-5", "day": "2020-02-01"})
    assert client.post(address, fields).status_code == 200  # refused: shown again with its error
    assert not Submission.objects.exists() and not Donor.objects.filter(name="拒收").exists()
    fields["amount"] = "5"
    assert client.post(address, fields).status_code == 302  # corrected, the same key goes through
    other = client_for(world.dave).post(f"/places/{world.nankeng.pk}/donations/new/", fields)
    assert other.status_code == 409 and CashDonation.objects.count() == 1
