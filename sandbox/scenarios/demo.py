"""The demo story, drawn from the two source articles in shared/seeds.

Played into a running sandbox through the fakes' admin endpoints and an IMAP APPEND:

1. The courier complaint (seed 004, Easyart): Anna Lindqvist writes by e-mail that the
   courier gives an 8–17 window and never calls ahead; 20 minutes later she posts the
   same on the shop's Facebook page ("Anna Lindqvist"), and 45 minutes after the e-mail on
   X as "Anna L." (@anna_lindqvist). One customer, one case (P14), fault: third party.
2. A billing storm (P6): eight customers in sv/da/nb/en were charged twice, on Facebook,
   by e-mail and on X, within the same hour: one incident.
3. A house-rule breach and an insult (seed 000, P1/P2): a Facebook comment with a card
   number in it and a personal attack: archived, hidden, the author told why in private.
4. Praise (P11): five stars on Google (Danish) and on Trustpilot (English).
5. A machine (P16): an out-of-office auto-reply to the shop's mailbox, never answered.
6. Sarcasm (P3): a Facebook comment with no word that complains. carecase reads it as
   neither complaint nor question and leaves it unanswered; the ingest run's report names
   it, and an agent gives it a case with the open-case deployment or `carecase cases open`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import httpx

from sandbox.run import SHOP_ADDRESS, Sandbox

ANNA = {"name": "Anna Lindqvist", "email": "anna.lindqvist@example.se",
        "facebook": {"id": "5550001", "name": "Anna Lindqvist"},
        "x": {"id": "7770001", "name": "Anna L.", "username": "anna_lindqvist"}}

COURIER_MAIL = (
    "Hej!\n\nHur tänker ni när ni väljer att använda SnabbBud som kurir? Det enda man får "
    "veta om sin leverans är att den kommer mellan 8 och 17 en viss dag, och chauffören "
    "ringer inte ens innan. Jag har nu missat leveransen av order 48213 två gånger. "
    "Jag har skrivit samma sak på er Facebooksida.\n\nMvh\nAnna Lindqvist\n070-123 45 67\n")
COURIER_FACEBOOK = (
    "Hur tänker ni när ni väljer att använda SnabbBud som kurir?? Leverans mellan 8-17 och "
    "chaufförerna har ingen arbetstelefon! Snacka om att det blir ett stort projekt att "
    "beställa varor från er...")
COURIER_X = ("@carecase_shop tredje dagen jag väntar hemma på SnabbBud. Ingen ringer, ingen "
             "svarar. Otroligt dålig leveransservice.")

BILLING = [  # (channel, language, name, handle/email, text)
    ("facebook", "sv", "Erik Johansson", "5550011",
     "Jag har blivit debiterad två gånger för samma beställning! Vad händer?"),
    ("facebook", "da", "Mette Nielsen", "5550012",
     "Jeg er blevet trukket to gange for min ordre. Hvornår får jeg pengene tilbage?"),
    ("email", "nb", "Ola Nordmann", "ola.nordmann@example.no",
     "Hei, jeg har blitt belastet to ganger for bestillingen min. Kan dere rette dette?"),
    ("x", "en", "Sam Taylor", "samtaylor",
     "@carecase_shop you charged my card twice for one order. Please refund the extra "
     "payment."),
    ("facebook", "nb", "Kari Hansen", "5550013",
     "Dere har trukket meg to ganger for samme ordre. Dette er ikke greit."),
    ("email", "da", "Lars Jensen", "lars.jensen@example.dk",
     "Hej, jeg er blevet opkrævet to gange for den samme ordre. Ret venligst fejlen."),
    ("email", "en", "Emily Clark", "emily.clark@example.co.uk",
     "Hello, I have been charged twice for my order this morning. Please refund one."),
    ("x", "sv", "Johan Berg", "johanberg",
     "@carecase_shop ni har dragit pengar två gånger för min order. Fixa det!"),
]
CARD_INSULT = ("Ni är ett gäng inkompetenta idioter. Här är mitt kort 4111 1111 1111 1111, "
               "dra tillbaka pengarna NU.")
PRAISE_GOOGLE = ("Super hurtig levering og flot indpakning. Kundeservice svarede inden for "
                 "en time. Tak!")
SARCASM = "Wow. Bara wow. 3 veckor."
PRAISE_TRUSTPILOT = "Lovely prints, well packed, and they kept me posted. Will order again."
OUT_OF_OFFICE = ("Tack för ditt mejl. Jag är på semester till och med 3 augusti och läser "
                 "inte min e-post. Vid brådskande ärenden, ring växeln.")


@dataclass
class Story:
    """What was played, for the demo's printout and the tests' checks."""

    started: datetime
    posted: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, channel: str, item: Any) -> None:
        self.posted.setdefault(channel, []).append(item)

    @property
    def billing_customers(self) -> int:
        return len(BILLING)


def mail(sender: str, name: str, subject: str, body: str, at: datetime,
         **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = SHOP_ADDRESS
    msg["Subject"] = subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[1])
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def _post(client: httpx.Client, base: str, path: str, body: dict) -> dict:
    response = client.post(base + path, json=body)
    response.raise_for_status()
    return response.json()


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def x_time(at: datetime) -> str:
    """X's own timestamp shape (``2026-11-21T09:12:00.000Z``), which tweepy parses."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def play(sb: Sandbox, *, now: datetime | None = None) -> Story:
    """Post the whole story into the sandbox, dated over the last hour or so."""
    now = now or datetime.now(UTC)
    t0 = now - timedelta(minutes=70)
    story = Story(started=t0)
    fb, x, tp, g = sb.facebook.url, sb.x.url, sb.trustpilot.url, sb.google.url
    with httpx.Client(timeout=10) as client:
        post = _post(client, fb, "/_admin/posts", {
            "message": "Nya posters i höstens kollektion! Fri frakt hela veckan.",
            "created_time": iso(t0 - timedelta(days=1))})
        story.add("facebook", post)

        # 1. the courier complaint: e-mail, Facebook +20 min, X +45 min
        sb.append_mail(mail(ANNA["email"], ANNA["name"], "Leveransen – igen!",
                            COURIER_MAIL, t0))
        story.add("email", ANNA["email"])
        story.add("facebook", _post(client, fb, "/_admin/comments", {
            "post_id": post["id"], "message": COURIER_FACEBOOK, "from": ANNA["facebook"],
            "created_time": iso(t0 + timedelta(minutes=20))}))
        story.add("x", _post(client, x, "/_admin/tweets", {
            "text": COURIER_X, "author": ANNA["x"], "mention": True,
            "created_at": x_time(t0 + timedelta(minutes=45))}))

        # 2. the billing storm
        for i, (channel, _lang, name, handle, text) in enumerate(BILLING):
            at = t0 + timedelta(minutes=30 + 3 * i)
            if channel == "email":
                sb.append_mail(mail(handle, name, "Dubbeldebitering / double charge",
                                    text, at))
                story.add("email", handle)
            elif channel == "facebook":
                story.add("facebook", _post(client, fb, "/_admin/comments", {
                    "post_id": post["id"], "message": text,
                    "from": {"id": handle, "name": name}, "created_time": iso(at)}))
            else:
                story.add("x", _post(client, x, "/_admin/tweets", {
                    "text": text, "author": {"id": f"77701{i:02d}", "name": name,
                                             "username": handle},
                    "mention": True, "created_at": x_time(at)}))

        # 3. a card number and an insult in public
        story.add("facebook", _post(client, fb, "/_admin/comments", {
            "post_id": post["id"], "message": CARD_INSULT,
            "from": {"id": "5550099", "name": "Nils Arg"},
            "created_time": iso(t0 + timedelta(minutes=55))}))

        # 4. praise
        story.add("google", _post(client, g, "/_admin/reviews", {
            "displayName": "Sofie Madsen", "starRating": 5, "comment": PRAISE_GOOGLE,
            "createTime": iso(t0 + timedelta(minutes=50))}))
        story.add("trustpilot", _post(client, tp, "/_admin/reviews", {
            "stars": 5, "title": "Great shop", "text": PRAISE_TRUSTPILOT, "language": "en",
            "consumer": {"displayName": "Oliver Smith"},
            "createdAt": iso(t0 + timedelta(minutes=52))}))

        # 6. sarcasm, which no rule reads: an agent's to open
        story.add("facebook", _post(client, fb, "/_admin/comments", {
            "post_id": post["id"], "message": SARCASM,
            "from": {"id": "5550123", "name": "Karin Berg"},
            "created_time": iso(t0 + timedelta(minutes=58))}))

    # 5. an out-of-office reply
    sb.append_mail(mail("per.holm@example.se", "Per Holm", "Automatiskt svar: Er order",
                        OUT_OF_OFFICE, t0 + timedelta(minutes=60),
                        Auto_Submitted="auto-replied", X_Autoreply="yes"))
    story.add("email", "per.holm@example.se")
    return story
