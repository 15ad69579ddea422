"""The hardship pages: a village clerk opens a case with its bill attached; the town and the district
decide on the case's page; the fund's keeper pays; the clerk follows up. What each person may do shows
as a form, and what they may not is refused with 404 as for a stranger; the person's work lists what
waits for them; the veteran's page, the dashboard and the briefing carry the case and its figures."""

from datetime import date

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qunfang.briefings import services as briefings
from qunfang.hardship import services
from qunfang.hardship.models import CaseState, HardshipCase
from qunfang.hardship.testing import PDF
from qunfang.hardship.tests.conftest import approved, opened
from qunfang.testing.clients import client_for


def english(user):
    """A signed-in client that chose English with the switch (pages speak Chinese otherwise)."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def home(client) -> str:
    return client.get("/", follow=True).content.decode()


def decide(client, case, **form):
    return client.post(f"/hardship/cases/{case.pk}/decide/", form).status_code


def pay(client, case, amount):
    return client.post(f"/hardship/cases/{case.pk}/pay/", {"amount": amount, "day": timezone.localdate()})


def test_a_case_from_opening_to_closing_on_its_pages(world, fund, veteran):
    carol = english(world.carol)
    page = carol.get(f"/places/{world.jingkou.pk}/hardship/new/?veteran={veteran.pk}")
    assert page.status_code == 200 and "张清" in page.content.decode()
    bill = SimpleUploadedFile("住院发票.pdf", PDF, "application/pdf")
    answer = carol.post(f"/places/{world.jingkou.pk}/hardship/new/", {
        "veteran": veteran.pk, "fund": fund.pk, "need": "住院手术", "household_size": "3",
        "household_income": "20000", "medical_costs": "36000", "asked": "5000", "upload": bill,
    })  # fmt: skip
    case = HardshipCase.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/hardship/cases/{case.pk}/"
    assert case.attachments.get().name == "住院发票.pdf"
    assert carol.get(f"/hardship/attachments/{case.attachments.get().pk}/").getvalue() == PDF
    assert carol.post(f"/hardship/cases/{case.pk}/send/", {}).status_code == 302
    # carol holds the capability to decide at her village, not at the town the case waits at
    assert decide(carol, case, amount="5000", approve="") == 404
    bob = english(world.bob)
    assert "Hardship cases waiting for your decision" in home(bob)
    refused = bob.post(f"/hardship/cases/{case.pk}/decide/", {"reason": "", "return": ""})
    assert refused.status_code == 400 and "Say why the case is returned." in refused.content.decode()
    assert decide(bob, case, amount="4500", approve="") == 302
    alice = english(world.alice)
    assert decide(alice, case, amount="4000", approve="") == 302
    assert "Hardship cases to pay" in home(alice)
    over = pay(alice, case, "4000.01")
    assert over.status_code == 400 and "At most 4000.00 yuan" in over.content.decode()
    assert pay(alice, case, "4000").status_code == 302
    assert "Hardship cases to follow up" in home(carol)
    visit = {"day": timezone.localdate(), "note": "已出院"}
    assert carol.post(f"/hardship/cases/{case.pk}/follow-up/", visit).status_code == 302
    case.refresh_from_db()
    assert (case.state, case.paid_fen) == (CaseState.CLOSED, 400_000)
    shown = alice.get(f"/hardship/cases/{case.pk}/").content.decode()
    assert (
        "Followed up" in shown
        and "已出院" in shown
        and 'action="/hardship/cases/' not in shown.split("Steps")[0]
    )


def test_who_approved_below_sees_no_decision_form_above(world, fund, veteran):
    case = services.send_up(by=world.carol, case=opened(world, veteran, fund))
    bob = english(world.bob).get(f"/hardship/cases/{case.pk}/").content.decode()
    assert "Decision of 龙颈镇" in bob and 'name="approve"' in bob
    above = english(world.alice).get(f"/hardship/cases/{case.pk}/").content.decode()
    assert 'name="approve"' not in above  # the district does not decide at the town's step
    services.approve(by=world.bob, case=case, amount="3000")
    assert 'name="approve"' in english(world.alice).get(f"/hardship/cases/{case.pk}/").content.decode()
    assert 'name="approve"' not in english(world.bob).get(f"/hardship/cases/{case.pk}/").content.decode()


def test_the_fund_page_takes_money_in_and_reverses_a_line(world, fund):
    alice = english(world.alice)
    page = alice.get(f"/hardship/funds/{fund.pk}/").content.decode()
    assert "10,000.00" in page and "清财〔2020〕1号" in page
    budget = {"budget_in": "", "amount": "2500.50", "day": "2020-01-05", "document": "清财〔2020〕2号"}
    assert alice.post(f"/hardship/funds/{fund.pk}/", budget).status_code == 302
    fund.refresh_from_db()
    assert fund.balance_fen == 1_250_050
    line = fund.lines.get(document="清财〔2020〕2号")
    assert alice.post(f"/hardship/fund-lines/{line.pk}/reverse/").status_code == 302
    fund.refresh_from_db()
    assert fund.balance_fen == 1_000_000
    # the town's clerk sees no district fund, and cannot reverse its lines
    assert client_for(world.bob).get(f"/hardship/funds/{fund.pk}/").status_code == 404
    assert client_for(world.bob).post(f"/hardship/fund-lines/{line.pk}/reverse/").status_code in (403, 404)


def test_the_rules_page_adds_and_ends_a_rule(world):
    alice = english(world.alice)
    answer = alice.post(f"/places/{world.qingxin.pk}/hardship/rules/", {"kind": "not_helped_within"})
    assert answer.status_code == 200 and "Enter the months" in answer.content.decode()
    assert alice.post(f"/places/{world.qingxin.pk}/hardship/rules/",
                      {"kind": "not_helped_within", "months": "12"}).status_code == 302  # fmt: skip
    page = english(world.carol).get(f"/places/{world.jingkou.pk}/hardship/rules/").content.decode()
    # the rule is the district's, so the village sees it without the button that ends it (the word
    # alone could turn up inside a random CSRF token)
    assert "Not helped from the same fund in the last months" in page and "/end/" not in page


def test_the_veterans_page_the_dashboard_and_the_briefing_tell_the_help(world, fund, veteran):
    case = approved(world, veteran, fund, amount="1234.5")
    services.pay(by=world.alice, case=case, amount="1234.5", day=date(2020, 1, 20))
    carol = english(world.carol)
    card = carol.get(f"/veterans/{veteran.pk}/").content.decode()
    assert "Paid from care funds: 1,234.50 yuan." in card and f"/hardship/cases/{case.pk}/" in card
    dashboard = (
        english(world.alice)
        .get(f"/places/{world.qingxin.pk}/dashboard/?start=2020-01-01&end=2020-01-31")
        .content.decode()
    )
    assert "Hardship help" in dashboard and "1,234.50" in dashboard
    briefing = briefings.draft_briefing(by=world.alice, place=world.qingxin, start=date(2020, 1, 1),
                                        end=date(2020, 1, 31))  # fmt: skip
    text = " ".join(s["text"] for s in briefing.sections)
    assert "1" in text and "1,234.50" in text.replace("1234.50", "1,234.50")
