"""Answers from the knowledge base: questions in support channels, mentions and DMs.

Who gets an answer (see :mod:`supportbot.text.questions` for what counts as a question):

* A question posted in a support channel (``runtime.is_support_channel``: never the agents' or
  leads' channel), by someone who is not an agent. In a thread the bot takes up at most one question
  on its own; follow-ups in that thread are the people's conversation.
* A message that mentions the bot, or a direct message to it, whoever wrote it.
* Not a message the 401 triage already took up (``context.triage_took``), not an edit, not a bot.

Mentions are answered from the ``message`` event, which arrives with every ``app_mention`` (the
app subscribes to both) and which the key interceptor has already masked; the ``app_mention``
event's own copy of the text never passed the interceptor, so it is deliberately left unread. One
row per question message (``faq_questions``) makes a retried or repeated delivery answer nothing twice.

A confident match is posted in the thread, in the asker's language, with ``faq_helpful`` and
``faq_unhelpful`` buttons. No confident match is an ``unanswered`` gap signal; a mention or a DM also
gets a short reply saying so. "Not helpful" records an ``unhelpful`` gap signal and offers to call a
person, which posts a notice in the thread and alerts the agents' channel with a link (no text).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import regex
from slack_bolt import Ack, App

from supportbot.gaps.grouping import GapSignal
from supportbot.render.mrkdwn import markdown_to_mrkdwn
from supportbot.render.templates import Mrkdwn
from supportbot.slack.errors import SlackError
from supportbot.slack.features.faq.payloads import AgentAlert, FaqAnswer, FaqPost
from supportbot.slack.features.faq.services import FaqServices, enqueue_ephemeral, enqueue_post
from supportbot.slack.interaction import Interaction
from supportbot.slack.replies import ReplyTarget, enqueue_reply
from supportbot.slack.router import EventContext
from supportbot.slack.runtime import Runtime
from supportbot.slack.worker import Done, received_at
from supportbot.store import faq as faq_store
from supportbot.store import outbox
from supportbot.store.outbox import ClaimedAction
from supportbot.text import questions
from supportbot.text.chat import plain_text
from supportbot.text.lang import Language, as_language
from supportbot.text.messages import Message

_log = logging.getLogger(__name__)

ORDER = 50
#: Subtypes that are something a person wrote.
_WRITTEN = {None, "thread_broadcast", "file_share"}
_CHANNEL_ID = regex.compile(r"^[CGD][A-Z0-9]{2,}$")
_SAFE_URL = regex.compile(r"^https://[^\s<>|\"']{1,2000}$")


@dataclass(frozen=True)
class Click:
    user: str
    question_id: int


def install(app: App, runtime: Runtime, faq: FaqServices) -> None:
    handler = _Answers(runtime, faq)
    runtime.events.on_message("knowledge", handler.on_message, order=ORDER)
    runtime.worker.register(FaqAnswer.KIND, handler.post_answer)
    runtime.worker.register(AgentAlert.KIND, handler.alert_agents)
    app.action("faq_helpful")(handler.on_helpful)
    app.action("faq_unhelpful")(handler.on_unhelpful)
    app.action("faq_ask_human")(handler.on_ask_human)


class _Answers:
    def __init__(self, runtime: Runtime, faq: FaqServices) -> None:
        self.runtime = runtime
        self.faq = faq

    # -- questions ------------------------------------------------------------------------------

    def on_message(self, message: Message, context: EventContext) -> None:
        runtime = self.runtime
        if context.triage_took or message.is_edit or message.is_bot or not message.user:
            return
        if message.subtype not in _WRITTEN or message.user == runtime.bot_user_id:
            return
        if not runtime.is_support_channel(message.channel):
            return
        mention = f"<@{runtime.bot_user_id}>" if runtime.bot_user_id else None
        directed = message.is_dm or (mention is not None and mention in message.text)
        raw = message.text.replace(mention, " ") if mention else message.text
        question = plain_text(raw)
        if not questions.looks_like_question(question, directed=directed):
            return
        if not directed and runtime.roles.is_agent(message.user):
            return  # an agent asking the customer something, not a question for the FAQ
        language = runtime.language_for(message.user, question)
        answer = self.faq.kb.best_answer(question, language)
        stored = self.faq.storable(raw)
        thread_root = message.thread_ts or message.ts
        now = runtime.clock.now()
        with runtime.transaction() as session:
            if (
                not directed
                and message.is_thread_reply
                and faq_store.thread_attempted(session, message.channel, thread_root)
            ):
                return
            row = faq_store.claim_question(
                session,
                channel=message.channel,
                message_ts=message.ts,
                thread_root=thread_root,
                user=message.user,
                now=now,
                language=language,
                directed=directed,
                entry_id=answer.entry.id if answer else None,
                confidence=round(answer.confidence, 4) if answer else None,
                text=stored,
            )
            if row is None:
                return  # already taken up (a repeated delivery, or a retry after a failure)
            assert row.id is not None  # claim_question flushes the new row
            if answer is not None:
                rendered = runtime.renderer.message(
                    "knowledge/answer",
                    language,
                    title=answer.entry.title,
                    body=markdown_to_mrkdwn(answer.entry.body),
                    entry_id=answer.entry.id,
                    question_id=row.id,
                    fallback=answer.is_fallback,
                )
                answer_payload = FaqAnswer(
                    ReplyTarget.for_message(message, context),
                    rendered.text,
                    rendered.blocks,
                    question_id=row.id,
                    received_at=received_at(now),
                )
                enqueue_reply(session, context, answer_payload, now=now)
            else:
                self.faq.queue_signal(
                    session,
                    GapSignal("unanswered", stored, now, channel_id=message.channel, user_id=message.user),
                    source_ref=f"q:{message.channel}:{message.ts}",
                )
                if directed:
                    text = runtime.renderer.text("knowledge/no_answer", language, in_dm=message.is_dm)
                    target = ReplyTarget.for_message(message, context)
                    payload = FaqPost(target, str(text), received_at=received_at(now))
                    enqueue_reply(session, context, payload, now=now)
        context.knowledge = "answered" if answer else "unanswered"

    def post_answer(self, action: ClaimedAction) -> Done:
        answer = FaqAnswer.from_payload(action.payload)
        channel, thread_ts = answer.target.resolve(action)
        data = self.runtime.port.call(
            "chat.postMessage",
            channel=channel,
            thread_ts=thread_ts,
            text=answer.text,
            blocks=answer.blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        ts = data.get("ts")
        question_id = answer.question_id

        def remember(session: Any) -> None:
            # The thread may have moved to the key interceptor's masked repost: follow it there.
            if isinstance(ts, str):
                faq_store.set_answer(session, question_id, answer_ts=ts, thread_root=thread_ts)

        return Done(result={"ts": ts}, apply=remember)

    # -- buttons --------------------------------------------------------------------------------

    def on_helpful(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        self._vote(body, "helpful")

    def on_unhelpful(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        self._vote(body, "unhelpful")

    def _vote(self, body: dict[str, Any], vote: faq_store.Vote) -> None:
        click = _click(body)
        if click is None:
            return
        runtime = self.runtime
        language = runtime.language_for(click.user)
        now = runtime.clock.now()
        with runtime.transaction() as session:
            question = faq_store.get_question(session, click.question_id)
            if question is None:
                return
            outcome = faq_store.record_feedback(session, click.question_id, user=click.user, vote=vote, now=now)
            reply: dict[str, Any]
            if outcome == "duplicate":
                earlier = faq_store.vote_of(session, click.question_id, click.user) or vote
                reply = {"text": str(runtime.renderer.text("knowledge/already_voted", language, vote=earlier))}
            elif vote == "helpful":
                reply = {"text": str(runtime.renderer.text("knowledge/thanks", language))}
            else:
                self.faq.record_signal(
                    session,
                    GapSignal(
                        "unhelpful",
                        question.text,
                        now,
                        channel_id=question.channel,
                        user_id=click.user,
                        entry_id=question.entry_id,
                    ),
                    source_ref=f"vote:{click.question_id}:{click.user}",
                )
                offer = runtime.renderer.message(
                    "knowledge/unhelpful",
                    language,
                    question_id=click.question_id,
                    can_ask=not question.channel.startswith("D"),
                )
                reply = {"text": offer.text, "blocks": offer.blocks}
            enqueue_ephemeral(
                session,
                runtime,
                channel=question.channel,
                user=click.user,
                thread_ts=question.thread_root,
                **reply,
            )

    def on_ask_human(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        click = _click(body)
        if click is None:
            return
        runtime = self.runtime
        language = runtime.language_for(click.user)
        now = runtime.clock.now()
        agent_channel = runtime.settings.agent_channel
        with runtime.transaction() as session:
            question = faq_store.get_question(session, click.question_id)
            if question is None or question.channel.startswith("D"):
                return
            if not faq_store.request_human(session, click.question_id, user=click.user, now=now):
                text = runtime.renderer.text("knowledge/human_already", language)
                enqueue_ephemeral(
                    session,
                    runtime,
                    channel=question.channel,
                    user=click.user,
                    thread_ts=question.thread_root,
                    text=str(text),
                )
                return
            notice = runtime.renderer.text(
                "knowledge/human_requested", as_language(question.language), agents_alerted=agent_channel is not None
            )
            enqueue_post(session, runtime, channel=question.channel, text=str(notice), thread_ts=question.thread_root)
            if agent_channel is not None:
                alert = AgentAlert(
                    agent_channel,
                    question.channel,
                    question.thread_root,
                    entry_id=question.entry_id or "",
                    received_at=received_at(now),
                )
                outbox.enqueue(session, AgentAlert.KIND, alert.to_payload(), now=now)

    def alert_agents(self, action: ClaimedAction) -> Done:
        """Tell the agents' channel where a person is wanted; the link is looked up now, the text is ours."""
        alert = AgentAlert.from_payload(action.payload)
        runtime = self.runtime
        channel, thread_ts = alert.question_channel, alert.thread_ts
        link: Mrkdwn | None = None
        try:
            data = runtime.port.call("chat.getPermalink", channel=channel, message_ts=thread_ts)
            url = data.get("permalink")
            if isinstance(url, str) and _SAFE_URL.match(url):
                link = Mrkdwn(url)
        except SlackError as error:
            if error.retryable:
                raise
            _log.info("no permalink for a thread in %s: %s", channel, error.code)
        language: Language = runtime.settings.default_language
        entry_id = alert.entry_id
        entry = self.faq.kb.entry(entry_id, language) if entry_id else None
        rendered = runtime.renderer.message(
            "knowledge/agent_alert",
            language,
            title=entry.title if entry else entry_id,
            entry_id=entry_id or "-",
            channel_ref=Mrkdwn(f"<#{channel}>") if _CHANNEL_ID.match(channel) else Mrkdwn("-"),
            link=link,
        )
        data = runtime.port.call(
            "chat.postMessage",
            channel=alert.channel,
            text=rendered.text,
            blocks=rendered.blocks,
            unfurl_links=False,
        )
        return Done(result={"ts": data.get("ts")})


def _click(body: dict[str, Any]) -> Click | None:
    interaction = Interaction.parse(body)
    if not interaction.user or not interaction.action_value.isdigit():
        return None
    return Click(user=interaction.user, question_id=int(interaction.action_value))
