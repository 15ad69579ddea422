"""An application's walk through the services: up its review path (town checks, district reviews),
returned with its reason, amended and sent back to the step that returned it, approved; the 优待证's
seven steps over four levels; each level acting at its own step only; the veteran told by SMS at
each step. Every refusal writes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from qunfang.online import services
from qunfang.online.models import ApplicationState, Taken
from qunfang.online.tests.conftest import ANSWERS, applied, photos, texts_to
from qunfang.testing.walks import changed_since, snapshot
from qunfang.testing.world import person


def refused(call, message: str):
    before = snapshot()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call()
    assert message in " ".join(error.value.messages), error.value.messages
    assert changed_since(before) == []


@pytest.fixture
def told(veteran):
    """The SMS sent to the veteran's mobile so far, read from the console channel's messages log."""
    return lambda: texts_to(veteran.phone.reveal())


def test_an_application_is_checked_by_the_town_and_approved_by_the_district(
    world, continuation, veteran, told
):
    application = applied(veteran, continuation)
    assert (application.state, application.at, application.step) == (
        ApplicationState.UNDER_REVIEW,
        world.longjing,
        0,
    )
    assert application.answers == {**ANSWERS, "服役年限": "5"}
    assert application.documents.count() == 2
    application = services.approve(by=world.bob, application=application, step=0)
    assert (application.at, application.step) == (world.qingxin, 1)
    application = services.approve(by=world.alice, application=application, step=1)
    assert application.state == ApplicationState.DONE
    taken = list(application.steps.values_list("taken", "finished"))
    assert taken == [(Taken.SENT, False), (Taken.APPROVED, False), (Taken.APPROVED, True)]
    texts = told()
    assert len(texts) == 3
    assert "社保接续" in texts[0] and "龙颈镇" in texts[0] and "清新区" in texts[1] and "办结" in texts[2]


def test_a_returned_application_is_amended_and_goes_back_to_the_step_that_returned_it(
    world, continuation, veteran, told
):
    application = services.approve(by=world.bob, application=applied(veteran, continuation), step=0)
    application = services.return_to_veteran(
        by=world.alice, application=application, reason="缺参保缴费凭证", step=1
    )
    assert (application.state, application.at) == (ApplicationState.RETURNED, world.qingxin)
    assert "缺参保缴费凭证" in told()[-1] and "退回" in told()[-1]
    application = services.send_again(
        by=None, application=application, answers={**ANSWERS, "服役年限": "6"}, photos=photos("参保缴费凭证")
    )
    assert (application.state, application.at, application.step) == (
        ApplicationState.UNDER_REVIEW,
        world.qingxin,
        1,
    )
    assert sorted(application.documents.filter(current=True).values_list("label", flat=True)) == [
        "参保缴费凭证",
        "身份证正面",
        "退役证件",
    ]
    assert services.approve(by=world.alice, application=application, step=1).state == ApplicationState.DONE


def test_the_card_goes_through_four_levels_and_back_down_to_the_station(world, offered, veteran, told):
    city, province = (
        person("cici", world.qingyuan, "station_staff"),
        person("gigi", world.guangdong, "station_staff"),
    )
    answers = {"户籍地址": "迳口村"}
    application = services.apply(
        by=None,
        veteran=veteran,
        service=offered["优待证"],
        answers=answers,
        photos=photos("身份证正面", "免冠证件照", "退役证件"),
    )
    walk = [world.bob, world.alice, city, province, province, world.alice, world.carol]
    seen = []
    for step, who in enumerate(walk):
        seen.append(application.at.name)
        application = services.approve(by=who, application=application, step=step)
    assert seen == ["龙颈镇", "清新区", "清远市", "广东省", "广东省", "清新区", "迳口村"]
    assert application.state == ApplicationState.DONE
    assert len(told()) == 8


def test_each_level_acts_at_its_own_step(world, continuation, veteran):
    application = applied(veteran, continuation)
    refused(lambda: services.approve(by=world.alice, application=application), "waits for 龙颈镇")
    refused(lambda: services.approve(by=world.carol, application=application), "waits for 龙颈镇")
    refused(lambda: services.approve(by=world.leo, application=application), "waits for 龙颈镇")
    services.approve(by=world.bob, application=application, step=0)
    # A second tap on the same page: the step it showed has moved on.
    refused(lambda: services.approve(by=world.bob, application=application, step=0), "moved on")


def test_a_return_without_a_reason_is_refused(world, continuation, veteran):
    application = applied(veteran, continuation)
    for reason in ("", "   ", "缺\x00件"):
        refused(
            lambda reason=reason: services.return_to_veteran(
                by=world.bob, application=application, reason=reason
            ),
            "Say why it is returned" if "\x00" not in reason else "invisible control character",
        )


def test_only_a_returned_application_is_sent_again_and_a_finished_one_is_not_withdrawn(
    world, continuation, veteran
):
    application = applied(veteran, continuation)
    refused(lambda: services.send_again(by=None, application=application, answers=ANSWERS), "Only a returned")
    application = services.approve(
        by=world.alice, application=services.approve(by=world.bob, application=application)
    )
    refused(lambda: services.withdraw(by=None, application=application), "finished already")


def test_a_step_past_its_deadline_is_late_and_goes_up_to_the_place_above(world, continuation, veteran):
    from qunfang.core.access import Scope
    from qunfang.online import home, selectors

    long_ago = timezone.now() - timedelta(days=4)
    application = applied(veteran, continuation, now=long_ago)
    assert selectors.is_late(application)
    late = selectors.late_below(Scope.for_user(world.alice), world.qingxin)
    assert list(late) == [application]
    gone_up = [due for due in home.work_for(Scope.for_user(world.alice), timezone.localdate()) if due.late]
    assert [(due.url.endswith("#late"), due.count) for due in gone_up] == [(True, 1)]
    fresh = applied(veteran, continuation)
    assert not selectors.is_late(fresh)
    assert list(selectors.queue(Scope.for_user(world.bob), world.longjing)) == [application, fresh]
