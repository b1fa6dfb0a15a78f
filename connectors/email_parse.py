"""Raw RFC 5322 bytes to a normalised ``Message``: pure functions, no I/O.

Real mailboxes hold everything: wrong or unknown charset labels, broken base64, HTML-only
mail, bounces, calendar invites, headers that are not headers. ``parse_email`` never
raises: what cannot be read at all becomes a Message with ``quarantine`` set.

Fields (see carecase.model.Message): ``external_id`` is the Message-ID without ``<>``,
or ``sha256:<hex of the raw bytes>`` when there is none, so a re-read gives the same id;
``thread_id`` is the first id of References, else In-Reply-To, else the own id;
``parent_id`` is In-Reply-To; ``text`` is the newest reply with quotes and signature
stripped (falling back to the whole body, then to the subject); ``raw`` keeps the
headers that machine-mail detection (policy P16) needs and a bounded copy of the body.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import logging
import re
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.message import Message as MimePart
from typing import Any

import html2text
from mailparser_reply import EmailReplyParser

from carecase.model import NO_REPLY, Author, Message

log = logging.getLogger(__name__)

CHANNEL = "email"
MAX_BODY_CHARS = 100_000  # raw["body"] bound: the store keeps raw as jsonb per message
MAX_HEADER_CHARS = 2_000
MAX_LISTED_RECIPIENTS = 20
MAX_ATTACHMENTS = 50
MAX_REFERENCES = 50
# Languages whose quote headers ("Den ... skrev:", "Fra:/Sendt:") mail-parser-reply knows;
# Norwegian clients use the Danish forms, which "da" covers.
REPLY_LANGUAGES = ("da", "sv", "en", "de")
KEPT_HEADERS = (
    "From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
    "Auto-Submitted", "Return-Path", "Precedence", "List-Id", "List-Unsubscribe",
    "X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "Content-Type", "Sender",
    "Reply-To",
)
# Labels that in practice mean Windows-1252 (as browsers treat them, WHATWG encoding
# standard): Outlook labels cp1252 text "iso-8859-1", and 0x80-0x9f are then € “ ” …
_CP1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii",
                   "ascii", "iso_8859-1", "cp819"}
_ID_RE = re.compile(r"<([^<>\s]+)>")
# Where Outlook starts the quoted mail when the reply parser does not know its header:
# "-----Ursprungligt meddelande-----" and the like, a rule of underscores, or the rule
# Outlook's HTML draws before the quoted headers (html2text writes "* * *"). A
# forwarded message is not cut: what a customer forwards (an order confirmation) counts.
_ORIGINAL = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:original message|ursprungligt meddelande|originalmeddelande|"
    r"oprindelig meddelelse|opprinnelig melding|opprinneleg melding|"
    r"urspr(?:ü|ue)ngliche nachricht|original-nachricht)[ \t]*-{2,}|_{8,}|\* \* \*"
    # a one-line quote header naming an address, in a form the reply parser does not
    # know: Yahoo's "Den måndag 30 november 2026 10:12:00 CET, Nordic Shoes <care@...>
    # skrev:", indented
    r"|[^<>\n]{1,200}<[^<>@\s]+@[^<>@\s]+>[^<>\n]{0,20}?"
    r"(?:skrev|skreiv|wrote|schrieb|kirjoitti|a écrit)[ \t]*:)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# The line a mail app signs a reply with, which the reply parser knows only in some of
# its forms: "Skickat från Outlook för Android", "Hämta Outlook för iOS", "Sendt fra
# min Galaxy", "Sent from Mail for Windows".
_APP_SIGNATURE = re.compile(
    r"\n[ \t]*(?:(?:skickat|sendt|sent|lähetetty) (?:från|fra|from|frå)\b"
    r"|(?:hämta|hent|få|get|skaff) outlook (?:för|for|til)\b)[^\n]{0,60}\s*$",
    re.IGNORECASE,
)


def parse_email(
    raw: bytes, *, uid: int | None = None, internaldate: datetime | None = None,
    languages: tuple[str, ...] = REPLY_LANGUAGES, own_domains: frozenset[str] = frozenset(),
) -> Message:
    """Parse one message's bytes into a Message; never raises (see module docstring).

    ``own_domains``: our mail domains. Mail from one of them (or from a no-reply
    address) with no Reply-To may be a contact form that names the customer in its
    body ("E-post: anna@example.se"): its author is then that customer
    (``contact_form``).
    """
    try:
        return _parse(raw, uid=uid, internaldate=internaldate, languages=languages,
                      own_domains=own_domains)
    except Exception as exc:  # a bug in a parser must cost one message, not the poll
        log.warning("e-mail uid=%s unparseable: %s", uid, type(exc).__name__)
        return _quarantined(raw, uid, internaldate, f"unparseable: {type(exc).__name__}")


def parse_headers_only(
    header_bytes: bytes, *, size: int, limit: int, uid: int | None = None,
    internaldate: datetime | None = None,
) -> Message:
    """A quarantined Message for mail too large to fetch, from its header block alone.

    Without the body there is no hash of the whole message, so a missing Message-ID is
    replaced by a hash of the header block (stable across re-reads too).
    """
    reason = f"too_large: {size} bytes > {limit}"
    try:
        msg = email.message_from_bytes(header_bytes, policy=email.policy.default)
        result = _from_headers(msg, header_bytes, uid, internaldate)
    except Exception as exc:
        log.warning("e-mail uid=%s headers unparseable: %s", uid, type(exc).__name__)
        return _quarantined(header_bytes, uid, internaldate, reason)
    result.quarantine = reason
    result.raw["size"] = size
    return result


def _quarantined(raw: bytes, uid: int | None, internaldate: datetime | None,
                 reason: str) -> Message:
    return Message(
        channel=CHANNEL, external_id=f"sha256:{hashlib.sha256(raw).hexdigest()}", text="",
        created_at=_aware(internaldate) or datetime.now(UTC), public=False,
        raw={"headers": {}, "uid": uid, "size": len(raw)}, quarantine=reason,
    )


def _parse(raw: bytes, *, uid: int | None, internaldate: datetime | None,
           languages: tuple[str, ...], own_domains: frozenset[str] = frozenset()) -> Message:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    result = _from_headers(msg, raw, uid, internaldate)
    if not raw.strip() or not any(result.raw["headers"].get(h) for h in
                                  ("From", "Date", "Message-ID", "Subject", "Sender")):
        result.quarantine = "unparseable: no e-mail headers found"
        return result
    body = clean(extract_text(msg))
    result.raw["body"] = body[:MAX_BODY_CHARS]
    result.raw["attachments"] = list_attachments(msg)
    if bounce := delivery_failure(msg):
        result.raw["bounce"] = bounce
    elif _form_sender(result.author, result.raw["headers"], own_domains) and \
            (customer := contact_form_author(body, own_domains)):
        result.author = customer
        result.raw["contact_form"] = True
    result.text = strip_quotes(body[:MAX_BODY_CHARS], languages) or result.subject or ""
    return result


def delivery_failure(msg: EmailMessage) -> dict[str, str] | None:
    """What a bounce says (a multipart/report delivery-status notice, RFC 3464, as
    Postfix, Gmail and Exchange send): the Message-ID of the mail that could not be
    delivered, and its recipient, status and diagnostic. None for anything else, a
    delay warning included."""
    if msg.get_content_type() != "multipart/report":
        return None
    found: dict[str, str] = {}
    try:
        for part in msg.walk():
            kind = part.get_content_type()
            if kind == "message/delivery-status":
                for block in part.get_payload():
                    if str(block.get("Action", "")).strip().lower() != "failed":
                        continue
                    for field, name in (("Final-Recipient", "recipient"), ("Status", "status"),
                                        ("Diagnostic-Code", "diagnostic")):
                        value = clean(str(block.get(field) or "")).split(";", 1)[-1].strip()
                        if value and name not in found:
                            found[name] = value[:300]
            elif kind in ("message/rfc822", "text/rfc822-headers") and "message_id" not in found:
                inner = part.get_payload(0) if kind == "message/rfc822" else \
                    email.message_from_string(part.get_content(), policy=email.policy.default)
                if mid := first_id(header(inner, "Message-ID")):
                    found["message_id"] = mid
    except Exception:  # a malformed report: no bounce to read, the mail is kept as it is
        return None
    return found if "message_id" in found and "recipient" in found else None


def _from_headers(msg: EmailMessage, raw: bytes, uid: int | None,
                  internaldate: datetime | None) -> Message:
    headers = {}
    for name in KEPT_HEADERS:
        value = header(msg, name)
        if value is not None:
            headers[name] = value[:MAX_HEADER_CHARS]
    for name in ("To", "Cc"):
        if name in headers:
            headers[name] = _bounded_recipients(header(msg, name) or "")
    own_id = first_id(headers.get("Message-ID"))
    references = message_ids(headers.get("References"))[-MAX_REFERENCES:]
    parent = first_id(headers.get("In-Reply-To"))
    external_id = own_id or f"sha256:{hashlib.sha256(raw).hexdigest()}"
    return Message(
        channel=CHANNEL,
        external_id=external_id,
        text="",
        created_at=_date(msg) or _aware(internaldate) or datetime.now(UTC),
        author=_author(msg),
        thread_id=(references[0] if references else None) or parent or external_id,
        parent_id=parent,
        public=False,
        subject=headers.get("Subject"),
        raw={
            "headers": headers, "references": references, "body": "", "attachments": [],
            "uid": uid, "size": len(raw), "recipients": len(_addresses(msg, ("To", "Cc"))),
            "defects": sorted({type(d).__name__ for d in msg.defects})[:10],
        },
    )


def clean(text: str) -> str:
    """Make a decoded string safe to store: no NULs, no lone surrogates.

    The email package keeps undecodable header bytes as surrogate escapes; PostgreSQL
    rejects both those and NUL characters in text and jsonb.
    """
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        data = text.encode("utf-8", "surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    text = text.encode("utf-8", "replace").decode("utf-8")  # any other lone surrogate
    return text.replace("\x00", "")


def header(msg: MimePart, name: str) -> str | None:
    """A header's decoded value on one line, or None; never raises.

    Raw 8-bit bytes in a header (no RFC 2047 encoding, common from old clients) are
    decoded here as UTF-8 or Windows-1252: the email package would turn them into U+FFFD.
    Headers its registry cannot parse fall back to their raw text.
    """
    raw_value = next((str(v) for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if raw_value is None:
        return None
    if any("\udc80" <= ch <= "\udcff" for ch in raw_value):
        return " ".join(clean(_decode_words(raw_value)).split())
    try:
        return " ".join(clean(str(msg[name])).split())
    except Exception:  # the header registry chokes on some garbage; keep the raw text
        return " ".join(clean(_decode_words(raw_value)).split())


def _decode_words(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # unknown charset or broken encoded-word: show it as it came
        return value


def first_id(value: str | None) -> str | None:
    """The first message id in a header value, without ``<>``."""
    ids = message_ids(value)
    return ids[0] if ids else None


def message_ids(value: str | None) -> list[str]:
    """All message ids in a Message-ID/In-Reply-To/References value, without ``<>``.

    Ids without brackets (seen from broken clients) are taken as whitespace-separated.
    """
    if not value:
        return []
    found = _ID_RE.findall(value)
    if not found:
        found = [tok.strip("<>,;") for tok in value.split() if "@" in tok]
    return [i for i in found if i and len(i) <= 900]


def _author(msg: EmailMessage) -> Author:
    """Who to answer: Reply-To when it names an address (a shop's contact form sends from
    its own no-reply address with the customer in Reply-To; RFC 5322 asks replies to go
    there), else From, else Sender."""
    for name in ("Reply-To", "From", "Sender"):
        value = header(msg, name)
        if not value:
            continue
        try:
            addresses = msg[name].addresses
            display, addr = addresses[0].display_name, addresses[0].addr_spec
        except Exception:  # malformed address list: the lenient old parser instead
            display, addr = email.utils.parseaddr(value)
        addr = clean(addr or "").strip().lower()
        display = clean(display or "").strip().strip('"') or None
        if "@" in addr or (display and name != "Reply-To"):
            return Author(name=display, email=addr if "@" in addr else None)
    return Author()


# Contact forms: "Label: value" lines in the body of mail our web shop sends (an HTML
# form's table reads "Label:| value" once made text).
_FORM_LINE = re.compile(r"^[ \t*#]*([^\W\d_][\w .\-/]{0,30}?)[ \t*]*[:：][ \t*|]*(.*?)[ \t|]*$",
                        re.MULTILINE)
_MAILTO = re.compile(r"\[([^\]]*)\]\(mailto:[^)]*\)")  # html2text's form of a mailto link
_EMAIL_LABELS = frozenset({
    "email", "e-mail", "e-mail address", "email address", "your email", "your e-mail",
    "e-post", "epost", "e-postadress", "din e-post", "e-postadresse", "din e-postadresse",
    "mail", "e-mailadresse", "mailadresse", "din e-mail", "din mail",
})  # fmt: skip
_NAME_LABELS = frozenset({
    "name", "full name", "your name", "namn", "ditt namn", "för- och efternamn",
    "navn", "dit navn", "ditt navn", "fulde navn", "fullt navn", "fullt namn",
})  # fmt: skip
_FIRST_LABELS = frozenset({"first name", "förnamn", "fornavn"})
_LAST_LABELS = frozenset({"last name", "surname", "efternamn", "efternavn", "etternavn"})
_ADDRESS = re.compile(r"<?([\w.+'-]+@[\w-]+(?:\.[\w-]+)+)>?")


def _form_sender(author: Author, headers: dict[str, str], own_domains: frozenset[str]) -> bool:
    """Whether the mail came from our own domain or a no-reply address, with no one in
    Reply-To: what a web shop's contact form sends."""
    if not author.email or "@" in email.utils.parseaddr(headers.get("Reply-To", ""))[1]:
        return False
    local, _, domain = author.email.rpartition("@")
    return domain in own_domains or local.startswith(NO_REPLY)


def contact_form_author(body: str, own_domains: frozenset[str] = frozenset()) -> Author | None:
    """The customer a contact form's body names ("Namn: Anna Lund", "E-post:
    anna.lund@example.se"), or None when it names no address of someone else's."""
    fields: dict[str, str] = {}
    for m in _FORM_LINE.finditer(body[:5_000]):
        label = " ".join(m.group(1).casefold().split())
        fields.setdefault(label, _MAILTO.sub(r"\1", clean(m.group(2))).strip(" \t\r*"))
    address = next((a.group(1).lower() for label, value in fields.items()
                    if label in _EMAIL_LABELS and (a := _ADDRESS.fullmatch(value))), None)
    if not address or address.rpartition("@")[2] in own_domains:
        return None
    name = next((v for label, v in fields.items() if label in _NAME_LABELS and v), None)
    if name is None:
        parts = [next((v for label, v in fields.items() if label in labels and v), "")
                 for labels in (_FIRST_LABELS, _LAST_LABELS)]
        name = " ".join(p for p in parts if p) or None
    return Author(name=name[:200] if name else None, email=address)


def _addresses(msg: EmailMessage, names: tuple[str, ...]) -> list[str]:
    values = [header(msg, n) or "" for n in names]
    try:
        pairs = email.utils.getaddresses([v for v in values if v])
    except Exception:
        return []
    return [addr for _, addr in pairs if "@" in addr]


def _bounded_recipients(value: str) -> str:
    """A To/Cc value cut to its first addresses: the count is in raw["recipients"]."""
    try:
        pairs = email.utils.getaddresses([value])
    except Exception:
        return value[:MAX_HEADER_CHARS]
    if len(pairs) <= MAX_LISTED_RECIPIENTS:
        return value[:MAX_HEADER_CHARS]
    shown = ", ".join(email.utils.formataddr(p) for p in pairs[:MAX_LISTED_RECIPIENTS])
    return f"{shown}, … (+{len(pairs) - MAX_LISTED_RECIPIENTS} more)"[:MAX_HEADER_CHARS]


def _date(msg: EmailMessage) -> datetime | None:
    try:
        value = msg.get("Date")
        parsed = getattr(value, "datetime", None)
    except Exception:
        parsed = None
    if parsed is None:
        try:
            parsed = email.utils.parsedate_to_datetime(header(msg, "Date") or "")
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return _aware(parsed)


def _aware(value: datetime | None) -> datetime | None:
    """Aware UTC; a naive Date header (``-0000``) means UTC, per RFC 5322 §3.3."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def decode_payload(part: MimePart) -> str:
    """A text part's content as str, whatever its label says.

    Try the declared charset strictly, then UTF-8, then Windows-1252 with replacement:
    labels are often wrong (UTF-8 bytes labelled latin-1, latin-1 labelled UTF-8) or
    unknown ("x-unknown-8bit"), and a wrong guess must never lose the whole message.
    """
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    try:
        declared = (part.get_content_charset() or "").strip().strip('"').lower()
    except Exception:
        declared = ""
    candidates = [declared] if declared and declared not in _CP1252_ALIASES else []
    for charset in (*candidates, "utf-8"):
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("cp1252", errors="replace")


def _html_to_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0  # no hard wrapping: quote stripping works on lines
    converter.ignore_images = True
    converter.ignore_emphasis = True
    try:
        return converter.handle(html)
    except Exception:  # html2text on hostile markup: tags stripped crudely instead
        return re.sub(r"<[^>]+>", " ", html)


def _leaves(msg: MimePart) -> list[MimePart]:
    """Non-multipart parts in order; message/* parts are leaves (attached mail)."""
    if msg.get_content_maintype() == "message":
        return [msg]
    if not msg.is_multipart():
        return [msg]
    payload = msg.get_payload()
    if not isinstance(payload, list):
        return [msg]
    return [leaf for sub in payload if isinstance(sub, MimePart) for leaf in _leaves(sub)]


def _is_attachment(part: MimePart) -> bool:
    """Attachments: declared so, named, or not text at all (images, PDFs, attached mail)."""
    try:
        disposition = part.get_content_disposition()
        filename = part.get_filename()
    except Exception:
        return False
    if disposition == "attachment" or part.get_content_maintype() != "text":
        return True
    return filename is not None and disposition != "inline"


def extract_text(msg: EmailMessage) -> str:
    """The readable body: text/plain preferred, else HTML as text, else a calendar summary."""
    leaves = _leaves(msg)
    texts = [p for p in leaves if p.get_content_type() == "text/plain" and not _is_attachment(p)]
    if texts:
        return "\n\n".join(decode_payload(p) for p in texts[:1])
    html = [p for p in leaves if p.get_content_type() == "text/html" and not _is_attachment(p)]
    if html:
        return _html_to_text(decode_payload(html[0]))
    calendar = [p for p in leaves if p.get_content_type() == "text/calendar"]
    if calendar:
        return calendar_summary(decode_payload(calendar[0]))
    others = [p for p in leaves if p.get_content_maintype() == "text" and not _is_attachment(p)]
    return decode_payload(others[0]) if others else ""


def calendar_summary(ics: str) -> str:
    """A few readable lines from an iCalendar invite (SUMMARY, DTSTART, LOCATION...)."""
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    wanted = {"METHOD": "Method", "SUMMARY": "Summary", "DTSTART": "Starts",
              "DTEND": "Ends", "LOCATION": "Location", "ORGANIZER": "Organizer",
              "DESCRIPTION": "Description"}
    lines = []
    for line in unfolded.splitlines():
        name, _, value = line.partition(":")
        key = name.split(";", 1)[0].upper()
        if key in wanted and value:
            value = value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
            lines.append(f"{wanted.pop(key)}: {value.strip()}")
    return "\n".join(lines)


def list_attachments(msg: EmailMessage) -> list[dict[str, Any]]:
    """[{name, type, size}] for each attachment; the content itself is not kept."""
    found = []
    for part in _leaves(msg):
        if not _is_attachment(part) or (part is msg and part.get_content_maintype() == "text"):
            continue
        try:
            name = part.get_filename()
        except Exception:
            name = None
        if name is None and part.get_content_maintype() == "message":
            name = f"{part.get_content_subtype()}.eml"
        try:
            data = part.get_payload(decode=True)
            size = len(data) if data is not None else len(part.as_bytes())
        except Exception:
            size = None
        found.append({"name": clean(name) if name else None,
                      "type": part.get_content_type(), "size": size})
    return found[:MAX_ATTACHMENTS]


def strip_quotes(body: str, languages: tuple[str, ...] = REPLY_LANGUAGES) -> str:
    """The newest reply of a body: quoted history, signature and disclaimers removed.

    Falls back to the whole body (whitespace-trimmed) when stripping leaves nothing,
    e.g. for a message that is all quote or all signature.
    """
    try:
        reply = EmailReplyParser(languages=list(languages)).read(body)
        newest = reply.replies[0].body if reply.replies else ""
    except Exception:  # a regex blow-up in the stripper must not lose the text
        newest = ""
    if cut := _ORIGINAL.search(newest):
        newest = newest[:cut.start()]
    newest = _APP_SIGNATURE.sub("", newest.rstrip())
    newest = "\n".join(line for line in newest.splitlines()
                       if not line.lstrip().startswith(">")).strip()
    return newest or body.strip()
