"""Pure e-mail parsing and composing, over the awkward corpus in tests/data/mail/."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from carecase.classify import Rules, machine_reason
from carecase.model import Outgoing
from connectors.email_compose import (
    SMTP_POLICY,
    compose,
    message_id_for,
    references_for,
    reply_subject,
)
from connectors.email_parse import (
    MAX_BODY_CHARS,
    clean,
    message_ids,
    parse_email,
    parse_headers_only,
    strip_quotes,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "mail"
FILES = sorted(p.name for p in CORPUS.glob("*.eml"))
INTERNALDATE = datetime(2026, 11, 30, 8, 0, tzinfo=timezone(timedelta(hours=1)))

# Per file: what must be true of its Message. Keys: text (snippets in text), lacks
# (snippets stripped from text), name, email, subject, attachments ([(name, type)]),
# headers (subset of raw["headers"]), content_type, thread, parent, id, created,
# quarantine (prefix), bounce (raw["bounce"], what a delivery failure names).
EXPECT: dict[str, dict] = {
    "01_plain_utf8.eml": dict(text=["stadig ikke kommet", "ordre 100234"], name="Mette Hansen",
                              email="mette.hansen@example.dk", created="2026-11-20T08:41:07"),
    "02_alternative_qp.eml": dict(text=["fått en faktura på 1 299 kr"], lacks=["<div"],
                                  subject="Fel på fakturan", id="CAB1x2y3z4@mail.gmail.com"),
    "03_nested_mixed_related.eml": dict(
        text=["revne i pladen"], lacks=["<p>"],
        attachments=[("revne.png", "image/png"), ("kvittering.pdf", "application/pdf")]),
    "04_base64_body.eml": dict(text=["returnera tröjan, den är för liten"]),
    "05_qp_latin1.eml": dict(text=["blåbærsyltetøj i stedet for øl"], name="Per Sørensen",
                             subject="Blåbær og øl"),
    "06_cp1252_labelled_latin1.eml": dict(text=["“499 €", "opkrævet"]),
    "07_latin1_no_charset.eml": dict(text=["København", "Århus"]),
    "08_utf8_label_latin1_body.eml": dict(text=["beschädigt", "Grüße aus München"]),
    "09_koi8r.eml": dict(text=["мой заказ не пришёл"], subject="Заказ"),
    "10_koi8r_labelled_ascii.eml": dict(text=["Order 5531:"]),
    "11_unknown_charset.eml": dict(text=["Malmö never arrived – please help"]),
    "12_html_only.eml": dict(text=["blender stopped working", "this photo"],
                             lacks=["<p>", "color: red", "alert("]),
    "13_calendar_invite.eml": dict(text=["inbjuden till: Genomgång av reklamation"],
                                   attachments=[("invite.ics", "application/ics")]),
    "14_calendar_only.eml": dict(text=["Summary: Genomgång av reklamation",
                                       "Starts: 20261201T090000Z", "Location: Telefon"]),
    "15_bounce_dsn.eml": dict(
        text=["could not", "User unknown"], email="mailer-daemon@mx.butik.example",
        bounce={"message_id": "cc.0123456789abcdef0123456789abcdef@butik.example",
                "recipient": "nobody@example.invalid", "status": "5.1.1",
                "diagnostic": "550 5.1.1 User unknown"},
        headers={"Return-Path": "<>", "Auto-Submitted": "auto-replied"},
        attachments=[("delivery-status.eml", "message/delivery-status"),
                     ("rfc822.eml", "message/rfc822")]),
    "16_outlook_ooo.eml": dict(
        text=["på ferie til og med 5. december"], subject="Automatisk svar: Din ordre 100234",
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        parent="cc.0123456789abcdef0123456789abcdef@butik.example",
        thread="cc.0123456789abcdef0123456789abcdef@butik.example"),
    "17_gmail_vacation.eml": dict(text=["semester"], headers={"Auto-Submitted": "auto-replied"},
                                  created="2026-11-28T19:00:00"),
    "18_mailing_list.eml": dict(
        text=["fragtpriserne"], headers={
            "List-Id": "Partnere <partnere.lists.leverandor.example>", "Precedence": "list",
            "Sender": "partnere-bounces@lists.leverandor.example"}),
    "19_empty_body.eml": dict(text=["Hvor er min ordre 100777?"]),  # the subject stands in
    "20_subject_only.eml": dict(text=["Ring til mig venligst"]),
    "21_500_recipients.eml": dict(text=["Hej alle sammen."]),
    "22_rfc2047_name.eml": dict(name="Sören Åberg", email="soren.aberg@example.se",
                                subject="Försenad leverans"),
    "23_danish_reply_gmail.eml": dict(
        text=["stadig ikke hørt fra fragtfirmaet"], lacks=["skrev", "Vi undersøger", ">"],
        thread="20261120094107.1234@mail.example.dk",
        parent="cc.aaaabbbbccccddddeeeeffff00001111@butik.example"),
    "24_danish_outlook_reply.eml": dict(text=["I må gerne sende en ny"],
                                        lacks=["Sendt:", "vi beklager"]),
    "25_swedish_reply.eml": dict(text=["Tack, nu ser det rätt ut."],
                                 lacks=["skrev", "krediterat"], thread="CAB1x2y3z4@mail.gmail.com"),
    "26_signature.eml": dict(text=["størrelse 39?"], lacks=["Venlig hilsen", "20 30 40 50"]),
    "27_pdf_attachment.eml": dict(text=["beløbet er forkert"],
                                  attachments=[("faktura æøå.pdf", "application/pdf")]),
    "28_malformed_headers.eml": dict(subject="Broken headers", id="malformed.28@example.com",
                                     text=["no boundary"]),
    "29_missing_message_id.eml": dict(text=["forgot the Message-ID"]),
    "30_missing_date.eml": dict(created="2026-11-30T07:00:00"),  # from INTERNALDATE
    "31_garbage.eml": dict(quarantine="unparseable"),
    "32_english_reply.eml": dict(text=["Still waiting for the refund."],
                                 lacks=["iPhone", "wrote:", "issued"],
                                 thread="root.first@example.co.uk"),
    "33_8bit_headers.eml": dict(name="Jørgen Møller", email="jorgen@example.dk",
                                subject="Klæder i forkert størrelse", text=["Tøjet"]),
    "34_broken_base64.eml": dict(text=["my package is missing"]),
    "35_forwarded_rfc822.eml": dict(text=["videresendte"],
                                    attachments=[("Ordrebekraeftelse.eml", "message/rfc822")]),
    "36_read_receipt_mdn.eml": dict(text=["was read"], content_type="multipart/report"),
    "37_nul_bytes.eml": dict(text=["NUL byte in the middle"], subject="NUL inside"),
    "38_bad_encoded_words.eml": dict(text=["Encoded words gone wrong."],
                                     email="weird@example.com"),
    "39_html_cp1252.eml": dict(text=["€ 49 – now it’s € 59"]),
    "40_precedence_bulk_autoreply.eml": dict(headers={"Precedence": "bulk", "X-Autoreply": "yes",
                                                      "X-Autorespond": "yes"}),
    # a web shop's contact form: sent from its no-reply address, the customer in Reply-To
    "41_contact_form_reply_to.eml": dict(text=["Hur gör jag en retur?"], name="Anna Lund",
                                         email="anna.lund@example.se",
                                         subject="Kontaktformulär: Retur"),
    # one with no Reply-To, sent from our own domain: the customer is in the body
    "42_contact_form_body_only.eml": dict(text=["ikke kommet frem"], name="Mette Hansen",
                                          email="mette.hansen@example.dk"),
    # replies whose quoted history (our own words) the reply parser alone leaves in
    "43_outlook_html_reply.eml": dict(text=["Pengarna har fortfarande inte kommit."],
                                      lacks=["* * *", "Från:", "ursäkt"]),
    "44_yahoo_reply_app_signature.eml": dict(text=["Pakken har fortsatt ikke kommet."],
                                             lacks=["Sendt fra", "skrev:", "beklager"]),
}
OWN_DOMAINS = frozenset({"butik.example"})  # the corpus's shop


def test_the_corpus_is_complete():
    assert len(FILES) >= 30
    assert set(EXPECT) == set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_every_corpus_mail_parses(name):
    raw = (CORPUS / name).read_bytes()
    msg = parse_email(raw, uid=7, internaldate=INTERNALDATE, own_domains=OWN_DOMAINS)
    assert msg.channel == "email" and msg.public is False and msg.external_id
    assert msg.text or msg.quarantine
    assert msg.created_at.tzinfo is not None
    stored = json.dumps(msg.raw, ensure_ascii=False)  # what goes into jsonb
    assert "\x00" not in stored and "\\u0000" not in stored
    stored.encode("utf-8")  # no lone surrogates
    assert msg.raw["uid"] == 7 and len(msg.raw.get("body", "")) <= MAX_BODY_CHARS
    assert not msg.external_id.startswith("<") and not (msg.thread_id or "").startswith("<")
    want = EXPECT[name]
    for snippet in want.get("text", []):
        assert snippet in msg.text
    for snippet in want.get("lacks", []):
        assert snippet not in msg.text
    for field, attr in (("name", "name"), ("email", "email")):
        if field in want:
            assert getattr(msg.author, attr) == want[field]
    if "subject" in want:
        assert msg.subject == want["subject"]
    if "attachments" in want:
        assert [(a["name"], a["type"]) for a in msg.raw["attachments"]] == want["attachments"]
        assert all(a["size"] for a in msg.raw["attachments"])
    for header, value in want.get("headers", {}).items():
        assert msg.raw["headers"][header] == value
    for field, attr in (("thread", "thread_id"), ("parent", "parent_id"), ("id", "external_id")):
        if field in want:
            assert getattr(msg, attr) == want[field]
    if "created" in want:
        assert msg.created_at == datetime.fromisoformat(want["created"]).replace(tzinfo=UTC)
    if "content_type" in want:
        assert msg.raw["headers"]["Content-Type"].startswith(want["content_type"])
    assert msg.raw.get("bounce") == want.get("bounce")  # only a delivery failure has one
    if "quarantine" in want:
        assert msg.quarantine.startswith(want["quarantine"])
    else:
        assert msg.quarantine is None


def test_a_contact_form_is_the_customers_only_when_our_shop_or_no_reply_sent_it():
    form = (CORPUS / "42_contact_form_body_only.eml").read_bytes()
    mine = parse_email(form, own_domains=OWN_DOMAINS)
    assert mine.raw["contact_form"] is True
    # as an MTA delivers it, with CRLF line ends
    crlf = parse_email(form.replace(b"\n", b"\r\n"), own_domains=OWN_DOMAINS)
    assert (crlf.author.name, crlf.author.email) == ("Mette Hansen", "mette.hansen@example.dk")
    assert machine_reason(mine, Rules(own_emails=frozenset({"webshop@butik.example"}))) is None
    # not knowing the shop's domain, it is the shop's own mail, as before
    assert parse_email(form).author.email == "webshop@butik.example"
    # a no-reply sender is a form wherever it is; a person's "E-mail:" line is only theirs
    noreply = form.replace(b"webshop@butik.example", b"no-reply@forms.example")
    assert parse_email(noreply).author.email == "mette.hansen@example.dk"
    assert machine_reason(parse_email(noreply), Rules()) is None
    person = form.replace(b"webshop@butik.example", b"lars@example.dk")
    assert parse_email(person, own_domains=OWN_DOMAINS).author.email == "lars@example.dk"
    # a form naming one of our addresses (a test by the shop) names no customer
    ours = form.replace(b"Mette.Hansen@example.dk", b"test@butik.example")
    assert parse_email(ours, own_domains=OWN_DOMAINS).author.email == "webshop@butik.example"
    assert "contact_form" not in parse_email(ours, own_domains=OWN_DOMAINS).raw


def test_an_html_contact_form_names_its_customer_in_a_table():
    raw = (b"From: Webshop <webshop@butik.example>\r\nTo: kundservice@butik.example\r\n"
           b"Subject: Kontaktformular\r\nMessage-ID: <f1@butik.example>\r\n"
           b"Content-Type: text/html; charset=utf-8\r\n\r\n"
           b"<html><body><h2>Ny henvendelse</h2><table>"
           b"<tr><td><b>Navn:</b></td><td>Mette Hansen</td></tr>"
           b"<tr><td><b>E-mail:</b></td><td><a href='mailto:mette@example.dk'>"
           b"mette@example.dk</a></td></tr>"
           b"<tr><td><b>Besked:</b></td><td>Min pakke er ikke kommet.</td></tr>"
           b"</table></body></html>")
    msg = parse_email(raw, own_domains=OWN_DOMAINS)
    assert (msg.author.name, msg.author.email) == ("Mette Hansen", "mette@example.dk")
    assert "Min pakke er ikke kommet." in msg.text


def test_missing_message_id_falls_back_to_a_hash_of_the_bytes():
    raw = (CORPUS / "29_missing_message_id.eml").read_bytes()
    first, again = parse_email(raw), parse_email(raw)
    assert first.external_id.startswith("sha256:") and first.external_id == again.external_id
    assert first.thread_id == first.external_id


def test_recipient_lists_are_bounded_to_a_count():
    msg = parse_email((CORPUS / "21_500_recipients.eml").read_bytes())
    assert msg.raw["recipients"] == 500
    assert msg.raw["headers"]["To"].endswith("(+480 more)")
    assert len(json.dumps(msg.raw)) < 10_000


def test_body_is_truncated_but_text_still_comes_from_it():
    raw = b"From: a@example.com\r\nSubject: long\r\n\r\n" + b"word " * 60_000
    msg = parse_email(raw)
    assert len(msg.raw["body"]) == MAX_BODY_CHARS and msg.text.startswith("word word")


def test_empty_bytes_are_quarantined_not_raised():
    msg = parse_email(b"")
    assert msg.quarantine and msg.external_id.startswith("sha256:")


def test_headers_only_for_too_large_mail():
    head = (CORPUS / "01_plain_utf8.eml").read_bytes().split(b"\n\n", 1)[0] + b"\n\n"
    msg = parse_headers_only(head, size=30_000_000, limit=1000, uid=3)
    assert msg.quarantine == "too_large: 30000000 bytes > 1000"
    assert msg.external_id == "20261120094107.1234@mail.example.dk" and msg.text == ""
    assert msg.author.email == "mette.hansen@example.dk" and msg.raw["size"] == 30_000_000


@pytest.mark.parametrize("quoted", [
    "-----Ursprungligt meddelande-----\nFrån: Nordic Shoes\nSkickat: den 21 november 2026",
    "-----Original Message-----\nFrom: Nordic Shoes\nSent: 21 November 2026 09:12",
    "-----Oprindelig meddelelse-----\nFra: Nordic Shoes\nSendt: 21. november 2026",
    "-----Opprinnelig melding-----\nFra: Nordic Shoes\nSendt: 21. november 2026",
    "________________________________\nFra: Nordic Shoes <care@nordicshoes.example>\n"
    "Sendt: 21. november 2026 09:12",
    # Yahoo's header, indented, in a form the reply parser does not know
    "    Den måndag 30 november 2026 10:12:00 CET, Nordic Shoes "
    "<care@nordicshoes.example> skrev:\n\n    Hej Anna, vi har skickat en ny.",
])
def test_strip_quotes_cuts_the_quoted_original(quoted):
    body = f"Fortfarande inget paket.\n\n{quoted}\n\nTack för att du kontaktade oss.\n"
    assert strip_quotes(body) == "Fortfarande inget paket."


@pytest.mark.parametrize("signed", [
    "Skickat från Outlook för Android", "Hämta Outlook för iOS", "Få Outlook for iOS",
    "Skickat från Mail för Windows", "Skickat från min Samsung Galaxy-smarttelefon.",
    "Sendt fra Outlook til Android", "Sent from my iPhone",
])
def test_strip_quotes_drops_the_line_a_mail_app_signs_with(signed):
    assert strip_quotes(f"Fortfarande inget paket.\n\n{signed}\n") == \
        "Fortfarande inget paket."
    # a customer's own words about sending are kept
    said = "Jag har skickat från min andra adress också, inget svar."
    assert strip_quotes(f"Hej!\n{said}\n") == f"Hej!\n{said}"


def test_strip_quotes_keeps_what_a_customer_forwards():
    body = ("Se nedan, ordern är betald.\n\n---------- Forwarded message ---------\n"
            "From: Nordic Shoes <order@nordicshoes.example>\nOrderbekräftelse 123456\n")
    assert "123456" in strip_quotes(body)


def test_strip_quotes_keeps_a_body_that_is_all_quote():
    assert strip_quotes("> only a quote\n> nothing else") == "> only a quote\n> nothing else"


def test_clean_removes_nul_and_surrogates():
    assert clean("a\x00b") == "ab"
    assert clean("K\udcf8benhavn") == "København"


def test_message_ids_tolerates_missing_brackets():
    assert message_ids("<a@b> <c@d>") == ["a@b", "c@d"]
    assert message_ids("a@b, c@d") == ["a@b", "c@d"]
    assert message_ids(None) == [] and message_ids("garbage") == []


# ---- composing ----------------------------------------------------------------------


def test_message_id_is_derived_from_the_key():
    one = message_id_for("case-1:ack", "butik.example")
    assert one == message_id_for("case-1:ack", "butik.example")
    assert one != message_id_for("case-1:update", "butik.example")
    assert one.startswith("<cc.") and one.endswith("@butik.example>") and len(one) == 51


@pytest.mark.parametrize("subject, expected", [
    ("Min pakke", "Re: Min pakke"), ("Re: Min pakke", "Re: Min pakke"),
    ("RE: Re: SV: Min pakke", "Re: Min pakke"), ("AW: Lieferung", "Re: Lieferung"),
    ("Sv: Fel", "Re: Fel"), ("", "Re:"), (None, "Re:"),
])
def test_reply_subject(subject, expected):
    assert reply_subject(subject) == expected


def test_references_keep_the_root_and_the_newest():
    refs = " ".join(f"<id{n}@x>" for n in range(20))
    ids = references_for(refs, "parent@x")
    assert len(ids) == 10 and ids[0] == "id0@x" and ids[-1] == "parent@x"
    assert ids[1:-1] == [f"id{n}@x" for n in range(12, 20)]
    assert references_for(None, "p@x") == ["p@x"]
    assert references_for("<p@x>", "p@x") == ["p@x"]


def test_compose_plain_send_without_a_parent():
    out = Outgoing(key="k", channel="email", action="send", recipient="a@example.com",
                   subject="Status på din sag", body="Hej")
    msg = compose(out, from_address="cs@butik.example",
                  now=datetime(2026, 11, 20, 16, 0, tzinfo=UTC))
    assert msg["Subject"] == "Status på din sag"
    assert "In-Reply-To" not in msg and "References" not in msg
    assert msg["Date"] == "Fri, 20 Nov 2026 16:00:00 +0000"
    assert msg.policy is SMTP_POLICY and msg.as_bytes().count(b"\r\n") > 3
    assert msg["Message-ID"] == message_id_for("k", "butik.example")


def test_compose_refuses_header_injection_and_bad_recipients():
    out = Outgoing(key="k", channel="email", action="send", recipient="a@example.com",
                   subject="Hi\r\nBcc: victim@example.com", body="x")
    raw = compose(out, from_address="cs@butik.example").as_bytes()
    assert b"\r\nBcc:" not in raw
    with pytest.raises(ValueError):
        compose(Outgoing(key="k", channel="email", action="send", recipient=None),
                from_address="cs@butik.example")
