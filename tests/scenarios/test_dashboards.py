"""The leads' views end to end: App Home by role, the weekly digest across replicas, ``/support digest``."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from supportbot.emulator import Emulator
from supportbot.emulator import defaults as d
from supportbot.store.tables import OutboxAction
from tests.dashboard_seed import leak, ticket, walk
from tests.fakes import FakeClock
from tests.keygen import make_key
from tests.scenarios.harness import Harness, flatten, running
from tests.scenarios.test_triage import QUOTED_KEY_REPORT, click, only_walk

RNG = random.Random(4848)
UNANSWERED = "do you support claude models?"
# Monday 23 November 2026, an hour before the default due time (Mondays 09:00 UTC).
MONDAY_EARLY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def home_of(slack: Harness, user: str) -> str:
    """Open the App Home as ``user`` and return the text of what was published for them."""
    delivery = slack.driver.open_home(user)
    assert delivery.status == 200
    slack.settle()
    view = slack.emulator.workspace.home_view(slack.driver.user(user).id)
    assert view is not None, f"nothing was published for {user}"
    assert view.spec["type"] == "home"
    return flatten(view.spec["blocks"])


def slash(slack: Harness, user: str, text: str) -> dict[str, Any]:
    delivery = slack.driver.slash(user, "#support", "/support", text)
    assert delivery.status == 200
    answer = delivery.json
    return answer if isinstance(answer, dict) else {"text": delivery.text}


def file_ticket(slack: Harness) -> None:
    """An agent files a ticket with ``/support ticket`` and the form."""
    slack.driver.slash("sam", "#support-agents", "/support", "ticket")
    view = slack.calls("views.open")[-1].response["view"]
    submitted = slack.driver.submit("sam", view["id"], {"time": "10 minutes ago", "status": "401"})
    assert submitted.error is None, submitted.error
    slack.settle()


def test_app_home_shows_each_role_what_it_may_see(slack: Harness) -> None:
    secrets = [make_key("openai", RNG) for _ in range(3)]
    slack.driver.post("alice", "#support", f"here is the key we use: {secrets[0]}")
    slack.driver.post("alice", "#support", f"and the backup one {secrets[1]} thanks")
    slack.driver.post("li.wei", "#support", f"我的密钥是 {secrets[2]}")
    slack.driver.post("alice", "#support", UNANSWERED)
    slack.settle()
    slack.driver.post("alice", "#support", QUOTED_KEY_REPORT)
    slack.settle()
    click(slack, "alice", "triage_fixed", only_walk(slack))
    slack.settle()
    file_ticket(slack)

    lead = home_of(slack, "lee")
    assert "Support overview" in lead
    assert "*Key leaks*: 3 (new)" in lead
    assert f"<@{d.ALICE}> (2)" in lead, "alice pasted a key twice"
    assert "*401 checklist*: 1 walk, 1 fixed, 0 unresolved, 0 became a ticket." in lead
    assert "Spaces or quotes around the key: 1 fixed" in lead
    assert "*Tickets*: 1 open now; 1 filed and 0 closed in the last 7 days." in lead
    assert UNANSWERED in lead
    for secret in secrets:
        assert secret not in lead and secret[-12:] not in lead

    agent = home_of(slack, "sam")
    assert "Your support desk" in agent and "Support overview" not in agent
    assert "*Tickets*: 1 open, 1 of them not taken yet. None is assigned to you." in agent
    assert "*Key leaks in the last 7 days*: 3." in agent
    assert UNANSWERED not in agent

    customer = home_of(slack, "alice")
    assert "never paste a full API key" in customer
    for figure in ("Key leaks", "Tickets*", UNANSWERED, d.ALICE):
        assert figure not in customer

    chinese = home_of(slack, "li.wei")
    assert "请不要贴出完整的 API 密钥" in chinese

    # Published on every opening, with the figures of that moment.
    slack.driver.post("li.wei", "#support", f"再贴一次 {make_key('openai', RNG)}")
    slack.settle()
    assert "*Key leaks*: 4 (new)" in home_of(slack, "lee")
    assert len(slack.calls("views.publish")) == 5


def test_the_lead_home_in_chinese_and_an_empty_week(emulator: Emulator, database_url: str) -> None:
    emulator.workspace.users[d.LEE].locale = "zh-CN"
    with running(emulator, database_url) as slack:
        shown = home_of(slack, "lee")
    assert "支持概览" in shown
    assert "*常见问题缺口*：没有。" in shown and "*密钥泄露*：没有。" in shown
    assert "*401 排查清单*：没有人用到。" in shown


def test_support_digest_previews_for_leads_only(slack: Harness) -> None:
    for who in ("alice", "sam"):
        refused = slash(slack, who, "digest")
        assert "only for team leads" in refused["text"]
    preview = slash(slack, "lee", "digest")
    shown = flatten(preview["blocks"])
    assert "Weekly support digest" in shown and "A preview" in shown
    assert f"posted to <#{d.LEADS}> every Monday at 09:00 UTC" in shown
    assert slack.calls("chat.postMessage") == [], "a preview posts nothing"


def _digests(emulator: Emulator) -> list[Any]:
    return [
        call
        for call in emulator.calls_for("chat.postMessage")
        if call.params.get("channel") == d.LEADS and "Weekly support digest" in str(call.params.get("text"))
    ]


def _wake_all(harnesses: list[Harness]) -> None:
    """Both replicas' scheduler threads check at the same moment, as two replicas of a deployment do."""
    targets = [(harness, harness.runtime.scheduler.wake()) for harness in harnesses]
    for harness, target in targets:
        assert harness.runtime.scheduler.wait_for(target), "the scheduler thread did not run"
    for harness in harnesses:
        harness.settle()


def test_the_weekly_digest_is_posted_once_by_two_replicas(emulator: Emulator, database_url: str) -> None:
    clocks = [FakeClock(MONDAY_EARLY), FakeClock(MONDAY_EARLY)]
    with (
        running(emulator, database_url, clock=clocks[0], instance="replica-a") as first,
        running(emulator, database_url, clock=clocks[1], instance="replica-b") as second,
    ):
        # Last week's activity (the digest covers Monday 16 November 09:00 to Monday 23 November 09:00).
        store = first.store
        leak(store, datetime(2026, 11, 18, 10, tzinfo=UTC), d.ALICE, "100.1")
        leak(store, datetime(2026, 11, 20, 10, tzinfo=UTC), d.ALICE, "100.2")
        leak(store, datetime(2026, 11, 10, 10, tzinfo=UTC), d.LI_WEI, "90.1")  # the week before
        ticket(store, datetime(2026, 11, 19, 10, tzinfo=UTC), "digest-t1", closed_at=datetime(2026, 11, 21, tzinfo=UTC))
        ticket(store, datetime(2026, 11, 22, 10, tzinfo=UTC), "digest-t2")
        walk(store, datetime(2026, 11, 17, 12, tzinfo=UTC), "digest-w1", fixed_at=None, steps_next=5)

        _wake_all([first, second])
        assert _digests(emulator) == [], "not due before 09:00"

        for clock in clocks:
            clock.advance(3600)
        barrier = threading.Barrier(2)

        def check(harness: Harness) -> None:
            barrier.wait()
            harness.runtime.scheduler.run_pending()

        racers = [threading.Thread(target=check, args=(harness,)) for harness in (first, second)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(10)
        _wake_all([first, second])
        first.settle()

        (digest,) = _digests(emulator)
        shown = flatten(digest.params["blocks"])
        assert "Weekly support digest 2026-W48" in shown
        assert "Mon 16 Nov to Mon 23 Nov 2026, 09:00 UTC." in shown
        assert "*Key leaks*: 2 (↑ from 1)." in shown
        assert f"Pasted a key more than once: <@{d.ALICE}> (2)" in shown
        assert "*401 checklist*: 1 walk, 0 fixed, 1 unresolved" in shown
        assert "*Tickets*: 2 filed, 1 closed; 1 open now." in shown
        with first.store.session() as session:
            kinds = list(session.execute(select(OutboxAction.dedupe_key).where(OutboxAction.kind == "digest.post")))
        assert [row[0] for row in kinds] == ["digest:2026-W48"]

        # Later in the week, and after a restart of one replica: still one.
        for clock in clocks:
            clock.advance(2 * 86400)
        _wake_all([first, second])
    with running(emulator, database_url, clock=clocks[0], instance="replica-c") as restarted:
        _wake_all([restarted])
        assert len(_digests(emulator)) == 1

        # The next week's digest comes the next Monday.
        clocks[0].advance(5 * 86400)
        _wake_all([restarted])
        assert [call.params["text"].split(",")[0] for call in _digests(emulator)] == ["Weekly support digest"] * 2


def test_no_leads_channel_no_digest(emulator: Emulator, database_url: str) -> None:
    clock = FakeClock(MONDAY_EARLY + timedelta(hours=2))
    with running(emulator, database_url, clock=clock, env={"SUPPORTBOT_LEADS_CHANNEL": None}) as slack:
        _wake_all([slack])
        assert slack.calls("chat.postMessage") == []
        with slack.store.session() as session:
            assert list(session.execute(select(OutboxAction.id).where(OutboxAction.kind == "digest.post"))) == []
