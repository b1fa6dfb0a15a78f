"""Build the e-mail for one ``Outgoing``: pure functions, no I/O.

* The Message-ID comes from the outbox key (``message_id_for``), so a retried send has
  the same id and ``EmailChannel.find_sent`` can recognise an earlier attempt.
* Threading: ``In-Reply-To`` is the message answered (``out.target`` or
  ``out.headers["In-Reply-To"]``); ``References`` is the parent's References (given in
  ``out.headers["References"]``) plus the parent, trimmed to the root and the newest ids.
* Serialised with ``SMTP_POLICY`` (max_line_length=998): under the stock
  ``email.policy.SMTP`` a long References/In-Reply-To is folded into RFC 2047
  encoded-words, which Outlook/Exchange ignore, and the thread breaks (cpython#79986).
* Fully automatic mail (``"Auto-Submitted"`` in ``out.headers``) carries
  ``Auto-Submitted`` (RFC 3834) and ``X-Auto-Response-Suppress: All`` (MS-OXCMAIL), so
  out-of-office robots stay quiet and our mail is never mistaken for a person's.
"""

from __future__ import annotations

import email.policy
import hashlib
import re
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from carecase.model import Outgoing
from connectors.email_parse import message_ids

SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)
MAX_REFERENCES = 10
MAX_REFERENCES_CHARS = 900  # stays under 998 so the line is never folded at all
AUTO_SUBMITTED_VALUES = ("auto-replied", "auto-generated", "auto-notified")
# Reply prefixes of the clients our customers use: en, da/sv/nb ("SV", "Sv", "VS"), de.
_REPLY_PREFIX = re.compile(r"^\s*((re|sv|vs|aw|ang|antw)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def message_id_for(key: str, domain: str) -> str:
    """The Message-ID (with ``<>``) for the outbox key ``key``: same key, same id."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<cc.{digest}@{domain}>"


def reply_subject(subject: str | None) -> str:
    """``Re: <subject>`` with any earlier Re:/SV:/AW: prefixes folded into one."""
    core = _REPLY_PREFIX.sub("", subject or "").strip()
    return f"Re: {core}" if core else "Re:"


def references_for(parent_references: str | None, parent_id: str | None) -> list[str]:
    """The References ids for a reply: the parent's plus the parent, trimmed.

    Keeps the thread root (first id: our thread_id, and what RFC 5322 §3.6.4 says to keep)
    and the newest ids, at most ``MAX_REFERENCES`` and ``MAX_REFERENCES_CHARS``.
    """
    ids = message_ids(parent_references)
    if parent_id and (not ids or ids[-1] != parent_id):
        ids.append(parent_id)
    deduped = list(dict.fromkeys(ids))
    if len(deduped) > MAX_REFERENCES:
        deduped = [deduped[0], *deduped[-(MAX_REFERENCES - 1):]]
    while len(deduped) > 1 and len(" ".join(f"<{i}>" for i in deduped)) > MAX_REFERENCES_CHARS:
        del deduped[1 if len(deduped) > 2 else 0]
    return deduped


def _one_line(value: str) -> str:
    # A CR/LF in a header would be header injection; the email package refuses it anyway.
    return " ".join(value.split())


def compose(
    out: Outgoing, *, from_address: str, from_name: str | None = None,
    message_id_domain: str | None = None, now: datetime | None = None,
) -> EmailMessage:
    """The EmailMessage for ``out`` (action send/reply), ready for ``as_bytes()``.

    Raises ValueError for a missing or malformed recipient address.
    """
    if not out.recipient or "@" not in out.recipient:
        raise ValueError("the outgoing e-mail has no valid recipient address")
    domain = message_id_domain or from_address.rpartition("@")[2] or "localhost"
    headers = {k.lower(): v for k, v in out.headers.items()}
    parent = (message_ids(headers.get("in-reply-to")) or message_ids(out.target)
              or ([out.target.strip("<> ")] if out.target else []))
    parent_id = parent[0] if parent else None

    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = Address(display_name=_one_line(from_name or ""), addr_spec=from_address)
    msg["To"] = Address(addr_spec=out.recipient.strip())
    subject = _one_line(out.subject or "")
    msg["Subject"] = reply_subject(subject) if parent_id else subject
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = message_id_for(out.key, domain)
    if parent_id:
        msg["In-Reply-To"] = f"<{parent_id}>"
        refs = references_for(headers.get("references"), parent_id)
        msg["References"] = " ".join(f"<{i}>" for i in refs)
    if "auto-submitted" in headers:
        value = headers["auto-submitted"].strip().lower()
        msg["Auto-Submitted"] = value if value in AUTO_SUBMITTED_VALUES else "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    elif "x-auto-response-suppress" in headers:
        msg["X-Auto-Response-Suppress"] = _one_line(headers["x-auto-response-suppress"])
    msg.set_content(out.body or "")
    if out.html:
        msg.add_alternative(out.html, subtype="html")
    return msg
