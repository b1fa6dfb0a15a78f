"""What to do about a new message: pure decisions, returned as data (P1-P5, P11, P15, P16).

Nothing is sent here. Each ``Outgoing`` carries an idempotency key derived from what
triggered it, so deciding twice queues once. Wording comes from the templates
(render.py); which template, in which language, to whom, is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from carecase import classify, incidents, render
from carecase.config import Settings
from carecase.model import Case, Classification, Message, Outgoing

# Channels where a public reply to the message itself is possible.
REPLYABLE = {"facebook", "x", "trustpilot", "google"}


def hideable(msg: Message) -> bool:
    """Whether we can hide ``msg``: a comment on our Facebook Page, or a reply to our own
    post on X (the connector says which: raw["hideable"]). Review sites let no business
    hide a review, and a private message is seen by no one else."""
    if not msg.public:
        return False
    return msg.channel == "facebook" or (msg.channel == "x" and msg.raw.get("hideable") is True)


@dataclass(frozen=True)
class Situation:
    """Everything a decision depends on."""

    message: Message
    message_id: int
    customer_id: int
    classification: Classification
    case: Case | None
    # One private acknowledgment per opening of a case (P4, P7), sent as soon as there
    # is a private route: its key names the opening, so no path can queue a second.
    private_ack_key: str | None
    private_acked_by: str | None  # the channel it went by; None: not sent yet
    customer_name: str | None
    customer_email: str | None
    now: datetime
    others_affected: bool = False  # the case's incident holds other customers' cases


@dataclass
class Actions:
    outgoing: list[Outgoing] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    archive: tuple[str, ...] = ()  # moderation reasons: archive evidence before hiding


def context(settings: Settings, *, case: Case | None, customer_name: str | None,
            channel: str, now: datetime, others_affected: bool = False,
            update_day: date | None = None, **extra: Any) -> dict[str, Any]:
    """The template context for a case (shared by decisions, status updates, closing).
    ``update_day``: the local day a status update is for; the next is on a later one."""
    biz = settings.business
    name = (customer_name or "").strip()
    return render.base_context(
        business={"name": biz.name, "signature": biz.signature, "email": biz.email,
                  "phone": biz.phone},
        customer={"name": name},  # the first name to greet by: names.greeting
        case={"id": case.id if case else 0, "fault": case.fault if case else "unknown",
              "incident": case.incident if case else None,
              "incident_topic": incidents.topic_of(case.incident) if case else None,
              "others_affected": others_affected,
              "gesture": case.gesture if case else None,
              "third_party": case.third_party if case else None},
        agent=case.agent if case else None,
        channel=channel,
        status_time=settings.care.status_update_time.strftime("%H:%M"),
        weekdays_only=settings.care.weekdays_only,
        next_update=render.format_when(next_update_at(settings, now, after=update_day),
                                       _lang(case, settings), biz.timezone),
        **extra,
    )


def next_update_at(settings: Settings, now: datetime, *, after: date | None = None
                   ) -> datetime:
    """The next status-update time after ``now``, in the business's time zone, and on a
    later day than ``after`` (the day of an update already sent: one a day, P7)."""
    tz = settings.business.tz
    local = now.astimezone(tz)
    at = local.replace(hour=settings.care.status_update_time.hour,
                       minute=settings.care.status_update_time.minute, second=0, microsecond=0)
    while at <= local or (after is not None and at.date() <= after):
        at += timedelta(days=1)
    while settings.care.weekdays_only and at.weekday() >= 5:
        at += timedelta(days=1)
    return at


def _lang(case: Case | None, settings: Settings) -> str:
    lang = case.language if case and case.language else settings.business.language
    return lang if lang in render.LANGUAGES else settings.business.language


def decide(s: Situation, settings: Settings, *, defer: bool = False) -> Actions:
    """The actions for one new inbound message. ``defer``: leave the messages' wording
    to render (``Outgoing.wording``) for the caller, through ``finish``."""
    actions = _decide(s, settings)
    if not defer:
        actions.outgoing = [finish(out) for out in actions.outgoing]
    return actions


def finish(out: Outgoing) -> Outgoing:
    """``out`` with its wording rendered, if ``decide`` left it to render."""
    if out.wording is None:
        return out
    return replace(out, **out.wording(), wording=None)


def _decide(s: Situation, settings: Settings) -> Actions:
    msg, cls, actions = s.message, s.classification, Actions()
    if cls.machine:  # P16: stored, never answered
        actions.events.append(("ignored", {"message": msg.external_id, "why": cls.machine}))
        return actions
    lang = cls.language if cls.language in render.LANGUAGES else settings.business.language
    ctx = context(settings, case=s.case, customer_name=s.customer_name, channel=msg.channel,
                  now=s.now, others_affected=s.others_affected, asking=_asking(cls))
    if cls.moderation and hideable(msg):
        _moderate(s, settings, lang, ctx, actions)
        return actions
    if cls.moderation and s.case:
        # Nothing we can hide (``hideable``): it is answered as any other, and the agent is
        # told what it holds (an insult in a review, a card number sent by e-mail).
        why = f"{msg.channel} does not let us hide it: report it there if it must go" \
            if msg.public else "sent to us in private"
        actions.events.append(("flagged", {"message": msg.external_id,
                                           "reasons": list(cls.moderation), "why": why}))
    if classify.unreadable(cls) and s.case:
        actions.events.append(("flagged", {
            "message": msg.external_id, "reasons": ["language"],
            "why": f"written in a language carecase does not read ({cls.language}): "
                   "read it and answer it yourself"}))
    # a three-star review whose words neither complain nor ask is thanked too, and asked
    # what we could have done better (P11), whatever it praises
    middling = msg.rating == 3 and cls.kind in ("praise", "other")
    if (cls.kind == "praise" or middling) and s.case is None:
        channel_cfg = getattr(settings.channels, msg.channel, None)
        thank = getattr(channel_cfg, "thank_praise", None)
        if msg.public and msg.channel in REPLYABLE and (
            thank if thank is not None else settings.care.thank_praise
        ):
            # one thank-you a thread and author: an edited review is thanked once
            thread = msg.thread_id or msg.external_id
            ctx_thanks = {**ctx, "reservations": cls.reservations, "middling": middling}
            actions.outgoing.append(_reply(s, "thank_you", lang, ctx_thanks,
                                           key=f"thanks:{msg.channel}:{thread}:{s.customer_id}"))
        return actions
    if s.case is None:
        return actions
    acked_by = s.private_acked_by
    private = None
    if s.private_ack_key and not acked_by:
        private = _private(s, settings, "private_ack", lang, ctx, key=s.private_ack_key,
                           automatic=True)
        acked_by = private.channel if private else None
    elif s.private_ack_key and acked_by != "email" and msg.channel == "email" \
            and s.customer_email and settings.channels.email.enabled:
        # acknowledged by Messenger or X (asking for an e-mail, perhaps), and now an
        # e-mail from them, maybe written first but read later: it is answered, once
        private = _private(s, settings, "private_ack", lang, ctx,
                           key=email_ack_key(s.private_ack_key), automatic=True)
    if msg.public and msg.channel in REPLYABLE:
        thread = msg.thread_id or msg.external_id
        # "I have e-mailed you" only when the acknowledgment went by e-mail: it may have
        # gone by Messenger, before we knew the address
        ctx_pub = {**ctx, "emailed": acked_by == "email"}
        actions.outgoing.append(_reply(s, "public_ack", lang, ctx_pub,
                                       key=f"ack:{msg.channel}:{thread}:{s.customer_id}"))
    if private:
        actions.outgoing.append(private)
    return actions


def _asking(cls: Classification) -> bool:
    """Whether a message asks for care without complaining: a question or request, or a
    private message whose words we cannot read as either ("Bitte stornieren", a photo).
    Its acknowledgment offers help instead of saying we understand a frustration."""
    return cls.kind in ("question", "other") and cls.sentiment != "negative"


def private_route(settings: Settings, email: str | None, x_id: str | None) -> str | None:
    """How a message reaches a case's customer in private after the first answer (the
    daily update, the follow-up): "email", "x" (a direct message), or None."""
    if email and settings.channels.email.enabled:
        return "email"
    if x_id and settings.channels.x.enabled and settings.channels.x.read_dms:
        return "x"
    return None


def contact_hint(case_id: int) -> str:
    """How an agent gives a case's customer a working address (cases.add_contact)."""
    return f"add a working address with `carecase cases contact {case_id} --email ADDRESS`"


def private_ack_key(case_id: int, opening: int) -> str:
    """The key of a case's private acknowledgment for its ``opening``-th opening."""
    return f"private-ack:{case_id}:{opening}"


def email_ack_key(ack_key: str) -> str:
    """The key of the e-mail that answers a customer's e-mail when the acknowledgment
    (``ack_key``) went by Messenger or X: once an opening."""
    return f"{ack_key}:email"


def _moderate(s: Situation, settings: Settings, lang: str, ctx: dict[str, Any],
              actions: Actions) -> None:
    """P1/P2, for a post we can hide: archive first, then hide (or delete), then, once it
    is hidden, tell the author why, privately (a spammer is told nothing)."""
    msg, reasons = s.message, s.classification.moderation
    # X lets a conversation's owner hide a reply, not delete it
    action = "hide" if msg.channel == "x" else settings.care.moderation_action
    actions.archive = reasons
    actions.events.append(("moderated", {"message": msg.external_id, "reasons": list(reasons),
                                         "action": action}))
    hide = Outgoing(key=f"moderate:{msg.channel}:{msg.external_id}", channel=msg.channel,
                    action=action, target=msg.external_id,
                    case_id=s.case.id if s.case else None)
    actions.outgoing.append(hide)
    if set(reasons) == {"spam"}:
        # an advertiser or a fake "support" account is not invited to write again
        actions.events.append(("notice_skipped", {"message": msg.external_id,
                                                  "why": "spam: nobody to tell"}))
        return
    notice = _private(s, settings, "moderation_notice", lang,
                      {**ctx, "reason": reasons[0], "reasons": list(reasons),
                       "removed": action == "delete"},
                      key=f"moderation-notice:{s.message_id}", automatic=True)
    if notice:
        # told once it is hidden: never "we have hidden it" when hiding failed
        actions.outgoing.append(replace(notice, after=hide.key))
    else:
        actions.events.append(("notice_skipped", {"message": msg.external_id,
                                                  "why": "no private channel to the author"}))


def _reply(s: Situation, template: str, lang: str, ctx: dict[str, Any], *, key: str) -> Outgoing:
    def wording() -> dict[str, Any]:
        text = render.render(template, lang, **ctx).text
        if s.message.channel == "x":
            text = fit_for_x(text, s.message.author.handle)
        return {"body": text}

    return Outgoing(key=key, channel=s.message.channel, action="reply", wording=wording,
                    case_id=s.case.id if s.case else None, template=template, language=lang,
                    target=s.message.external_id)


X_LIMIT = 280
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# As X counts a post (its counting-characters guide): a link, with or without its
# scheme, is 23 whatever its length; a character in these ranges (Latin, Nordic, Greek,
# Cyrillic, general punctuation) is 1, any other (emoji, CJK) 2. An address's domain
# ("care@shop.dk") is no link.
X_LINK_WEIGHT = 23
_X_LINK = re.compile(r"https?://\S+|(?<![@\w.-])[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?\b",
                     re.IGNORECASE)
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def x_length(text: str) -> int:
    """The length X gives ``text`` (``X_LIMIT`` at most for a post)."""
    total, last = 0, 0
    for m in _X_LINK.finditer(text):
        total += _x_weight(text[last:m.start()]) + X_LINK_WEIGHT
        last = m.end()
    return total + _x_weight(text[last:])


def _x_weight(text: str) -> int:
    return sum(1 if any(a <= ord(c) <= b for a, b in _X_LIGHT) else 2 for c in text)


def fit_for_x(text: str, handle: str | None) -> str:
    """An X reply: addressed to the author's @handle (which also keeps replies to
    different people from being refused as duplicate posts) and within 280 characters as
    X counts them (``x_length``), shortened by whole sentences: the sign-off first, then
    the middle ones."""
    lead = f"@{handle.lstrip('@')} " if handle else ""
    body = " ".join(text.split())
    if x_length(lead + body) <= X_LIMIT:
        return lead + body
    lines = [line for line in text.strip().splitlines() if line.strip()]
    message = lines[:-1] if len(lines) > 1 else lines  # the last line is the sign-off
    sentences = _SENTENCE.split(" ".join(" ".join(message).split()))
    while len(sentences) > 2 and x_length(lead + " ".join(sentences)) > X_LIMIT:
        del sentences[-2]  # keep the greeting and the invitation at the end
    fitted = lead + " ".join(sentences)
    if x_length(fitted) <= X_LIMIT:
        return fitted
    while fitted and x_length(fitted.rstrip() + "…") > X_LIMIT:  # no sentence left to drop
        fitted = fitted[:-1]
    return fitted.rstrip() + "…"


def _private(s: Situation, settings: Settings, template: str, lang: str,
             ctx: dict[str, Any], *, key: str, automatic: bool) -> Outgoing | None:
    """A private message by e-mail when we know the address, else the channel's own."""
    msg = s.message
    case_id = s.case.id if s.case else None
    if s.customer_email and settings.channels.email.enabled:
        headers = {"Auto-Submitted": "auto-replied"} if automatic else {}
        target = None
        if msg.channel == "email":
            target = msg.external_id
            headers["In-Reply-To"] = f"<{msg.external_id}>"
            refs = [*msg.raw.get("references", []), msg.external_id]
            headers["References"] = " ".join(f"<{r}>" for r in refs[-10:])

        def email() -> dict[str, Any]:
            rendered = render.render(template, lang, html=True, **{**ctx, "emailed": True})
            subject = rendered.subject or ""
            if msg.channel == "email" and msg.subject:
                subject = msg.subject if msg.subject.lower().startswith("re:") \
                    else f"Re: {msg.subject}"
            return {"body": rendered.text, "html": rendered.html, "subject": subject}

        return Outgoing(key=key, channel="email", action="send", wording=email,
                        recipient=s.customer_email, target=target, headers=headers,
                        case_id=case_id, template=template, language=lang)

    def text(via: str) -> Callable[[], dict[str, Any]]:
        return lambda: {"body": render.render(template, lang, **{**ctx, "via": via}).text}

    if msg.channel == "facebook" and msg.public:  # Messenger private reply to the comment
        return Outgoing(key=key, channel="facebook", action="private_reply",
                        wording=text("messenger"),
                        target=msg.external_id, case_id=case_id, template=template,
                        language=lang)
    if msg.channel == "x" and msg.author.id and settings.channels.x.read_dms:
        return Outgoing(key=key, channel="x", action="send", wording=text("dm"),
                        recipient=msg.author.id, case_id=case_id, template=template,
                        language=lang)
    return None
