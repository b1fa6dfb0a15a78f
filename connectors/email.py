"""E-mail channel: IMAP (imapclient) in, SMTP (smtplib) out.

In: ``poll`` reads new mail after the cursor ``{"folder", "uidvalidity", "last_uid"}``
with ``BODY.PEEK`` (nothing is marked read; the folder is even opened read-only unless
``processed_folder`` is set). Each ``Batch`` covers up to ``batch_size`` UIDs and its
cursor is that batch's highest UID, so the cursor moves with the stored messages. When
the server's UIDVALIDITY differs from the cursor's, every message is read again; ids are
Message-IDs (or a hash of the bytes), so the store's unique ``(channel, external_id)``
drops the repeats and nothing is lost. Mail over ``max_message_bytes`` is not fetched:
it becomes a quarantined Message with its headers. Parsing: ``connectors.email_parse``.

Moving to ``processed_folder`` happens when the caller asks for the *next* batch, i.e.
after it has stored the previous one; a caller that stops early leaves that batch in
place (at-least-once: a re-read is deduplicated downstream, a lost mail never happens).

Out: ``send`` composes (``connectors.email_compose``) and submits over SMTP, then APPENDs
a copy to the Sent folder so ``find_sent`` (SEARCH HEADER Message-ID) recognises a
retried outbox key. It refuses (``Unsupported``) our own and robot addresses, and after
``rate_limit_per_hour`` mails to one address within an hour raises
``RecipientRateLimited`` (a ``RateLimited``: retry later) as a backstop against loops;
this count lasts as long as the connector (one flow run), so dispatch also counts the
outbox's sent e-mails before each (``carecase.dispatch._loop_guard``).

Errors: bad credentials -> ``AuthFailed`` naming the account, never the password;
network trouble, timeouts, IMAP aborts, SMTP 4xx -> ``Transient``; SMTP 5xx and
unopenable folders -> ``PermissionDenied`` with the server's words.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.errors import MessageError
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import (
    IMAPClientAbortError,
    IMAPClientError,
    IMAPClientReadOnlyError,
    LoginError,
)
from imapclient.imapclient import DELETED, SEEN, SENT

from carecase.model import NO_REPLY, Message, Outgoing
from connectors.base import (
    AuthFailed,
    Batch,
    Cursor,
    PermissionDenied,
    RateLimited,
    Transient,
    Unsupported,
)
from connectors.email_compose import compose, message_id_for
from connectors.email_parse import parse_email, parse_headers_only

log = logging.getLogger(__name__)

FETCH_BYTES_BUDGET = 64 * 1024 * 1024  # bodies fetched per FETCH, so 200 big mails fit in RAM
IDLE_RENEW_SECONDS = 9 * 60  # servers may drop an IDLE after ~10-30 min (RFC 2177)
ROBOT_LOCAL_PARTS = ("mailer-daemon", "postmaster", "bounce", "bounces", *NO_REPLY)
SEND_ACTIONS = ("send", "reply", "private_reply")


class RecipientRateLimited(RateLimited):
    """Too many e-mails to one address within an hour: a possible mail loop (policy P16)."""


class EmailChannel:
    """One mailbox: IMAP ``folder`` polled for mail, SMTP for answers (module docstring).

    ``password``/``smtp_password`` are resolved secrets; they are used to log in and never
    appear in a log line or an error. ``smtp_username`` defaults to none (no SMTP AUTH).
    """

    def __init__(
        self, *, name: str = "email",
        imap_host: str, imap_port: int, imap_ssl: bool = False, imap_starttls: bool = False,
        username: str, password: str, folder: str = "INBOX",
        processed_folder: str | None = None, sent_folder: str | None = None,
        max_message_bytes: int = 25 * 1024 * 1024, batch_size: int = 200,
        smtp_host: str, smtp_port: int, smtp_ssl: bool = False, smtp_starttls: bool = False,
        smtp_username: str | None = None, smtp_password: str | None = None,
        from_address: str, from_name: str | None = None,
        message_id_domain: str | None = None, rate_limit_per_hour: int = 10,
        own_addresses: frozenset[str] = frozenset(), timeout: float = 30.0,
        tls_ca_file: str | None = None,
    ) -> None:
        self.name = name
        self.imap_host, self.imap_port = imap_host, imap_port
        self.imap_ssl, self.imap_starttls = imap_ssl, imap_starttls
        self.username, self._password = username, password
        self.folder, self.processed_folder, self.sent_folder = folder, processed_folder, sent_folder
        self.max_message_bytes, self.batch_size = max_message_bytes, max(1, batch_size)
        self.smtp_host, self.smtp_port = smtp_host, smtp_port
        self.smtp_ssl, self.smtp_starttls = smtp_ssl, smtp_starttls
        self.smtp_username, self._smtp_password = smtp_username, smtp_password
        self.from_address, self.from_name = from_address, from_name
        self.message_id_domain = message_id_domain or from_address.rpartition("@")[2]
        self.rate_limit_per_hour, self.timeout = rate_limit_per_hour, timeout
        self.own_addresses = frozenset(a.lower() for a in own_addresses) | {from_address.lower()}
        self.own_domains = frozenset(a.rpartition("@")[2] for a in self.own_addresses if a)
        self._client: IMAPClient | None = None
        self._selected: tuple[str, bool] | None = None
        self._sent_log: dict[str, deque[float]] = defaultdict(deque)
        # Certificates are always verified; tls_ca_file adds a private CA to trust.
        self.tls_ca_file = tls_ca_file

    # ---- IMAP plumbing -------------------------------------------------------------

    def _scrub(self, text: object) -> str:
        """Server text for an error message, with any secret blanked (servers echo)."""
        out = str(text)
        for secret in (self._password, self._smtp_password):
            if secret:
                out = out.replace(secret, "***")
        return out[:300]  # cut after blanking, so no fragment of a secret survives

    @contextmanager
    def _imap_errors(self, what: str) -> Iterator[None]:
        where = f"{self.imap_host}:{self.imap_port}"
        try:
            yield
        except LoginError:
            self._drop()
            raise AuthFailed(f"IMAP login refused for {self.username}@{where}: "
                             "check the account's password reference") from None
        except IMAPClientReadOnlyError as exc:
            raise PermissionDenied(f"IMAP {what} on {where}: folder is read-only: "
                                   f"{self._scrub(exc)}") from exc
        except (IMAPClientAbortError, OSError) as exc:  # OSError: sockets, timeouts, TLS
            self._drop()
            raise Transient(f"IMAP {what} on {where} failed: {type(exc).__name__}: "
                            f"{self._scrub(exc)}") from exc
        except IMAPClientError as exc:
            self._drop()
            raise Transient(f"IMAP {what} on {where} refused: {self._scrub(exc)}") from exc

    def _drop(self, *, polite: bool = False) -> None:
        client, self._client, self._selected = self._client, None, None
        if client is not None:
            try:
                client.logout() if polite else client.shutdown()
            except Exception:  # already broken: nothing left to close
                pass

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.tls_ca_file)

    def _imap(self) -> IMAPClient:
        """The logged-in connection, reconnecting when the old one went stale."""
        if self._client is not None:
            try:
                self._client.noop()
                return self._client
            except Exception:  # stale (server timeout, network): reconnect below
                self._drop()
        with self._imap_errors("login"):
            client = IMAPClient(self.imap_host, port=self.imap_port, ssl=self.imap_ssl,
                                ssl_context=self._tls() if self.imap_ssl else None,
                                timeout=self.timeout)
            client.normalise_times = False  # aware INTERNALDATEs, not naive local time
            if self.imap_starttls:
                client.starttls(self._tls())
            client.login(self.username, self._password)
            self._client = client
        return client

    def _select(self, client: IMAPClient, folder: str, readonly: bool) -> dict[bytes, Any]:
        try:
            info = client.select_folder(folder, readonly=readonly)
        except IMAPClientError as exc:
            if isinstance(exc, IMAPClientAbortError):
                raise
            raise PermissionDenied(f"IMAP folder {folder!r} cannot be opened on "
                                   f"{self.imap_host}:{self.imap_port}: "
                                   f"{self._scrub(exc)}") from exc
        self._selected = (folder, readonly)
        return info

    # ---- In ------------------------------------------------------------------------

    def poll(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Yield Batches of mail newer than ``cursor`` (see the module docstring)."""
        readonly = self.processed_folder is None
        folder = self.folder
        client = self._imap()
        with self._imap_errors(f"poll of {folder!r}"):
            uidvalidity = int(self._select(client, folder, readonly)[b"UIDVALIDITY"])
            last = 0
            if cursor and cursor.get("folder") == folder:
                if int(cursor.get("uidvalidity") or 0) == uidvalidity:
                    last = int(cursor.get("last_uid") or 0)
                else:
                    log.warning("%s: UIDVALIDITY of %r changed (%s -> %s): re-reading all",
                                self.name, folder, cursor.get("uidvalidity"), uidvalidity)
            # "last+1:*" always matches the highest UID, even an old one: drop <= last.
            uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
        new_cursor = {"folder": folder, "uidvalidity": uidvalidity, "last_uid": last}
        if not uids and new_cursor != cursor:
            yield Batch([], new_cursor)  # records a resync or a first empty poll
        for start in range(0, len(uids), self.batch_size):
            chunk = uids[start:start + self.batch_size]
            with self._imap_errors(f"fetch from {folder!r}"):
                if self._selected != (folder, readonly):  # send() used the connection
                    info = self._select(client, folder, readonly)
                    if int(info[b"UIDVALIDITY"]) != uidvalidity:
                        raise Transient(f"UIDVALIDITY of {folder!r} changed during a poll")
                messages = self._fetch(client, chunk)
            new_cursor = {"folder": folder, "uidvalidity": uidvalidity, "last_uid": chunk[-1]}
            log.info("%s: %d message(s) from %r up to uid %d", self.name, len(messages),
                     folder, chunk[-1])
            yield Batch(messages, new_cursor)
            if self.processed_folder:  # the caller has stored the batch: see docstring
                with self._imap_errors(f"move to {self.processed_folder!r}"):
                    self._move(client, chunk, self.processed_folder)

    def _fetch(self, client: IMAPClient, uids: list[int]) -> list[Message]:
        meta = client.fetch(uids, ["RFC822.SIZE", "BODY.PEEK[HEADER]", "INTERNALDATE"])
        sizes = {u: int(meta[u].get(b"RFC822.SIZE") or 0) for u in uids if u in meta}
        small = [u for u in uids if u in sizes and sizes[u] <= self.max_message_bytes]
        bodies: dict[int, bytes] = {}
        group: list[int] = []
        group_bytes = 0
        for uid in [*small, None]:
            if group and (uid is None or group_bytes + sizes[uid] > FETCH_BYTES_BUDGET):
                for got_uid, data in client.fetch(group, ["BODY.PEEK[]"]).items():
                    bodies[got_uid] = _item(data, b"BODY[")
                group, group_bytes = [], 0
            if uid is not None:
                group.append(uid)
                group_bytes += sizes[uid]
        messages = []
        for uid in uids:
            if uid not in sizes:
                continue  # expunged by someone else between SEARCH and FETCH
            internaldate = meta[uid].get(b"INTERNALDATE")
            if uid in bodies:
                msg = parse_email(bodies[uid], uid=uid, internaldate=internaldate,
                                  own_domains=self.own_domains)
            elif sizes[uid] > self.max_message_bytes:
                msg = parse_headers_only(_item(meta[uid], b"BODY[HEADER"), size=sizes[uid],
                                         limit=self.max_message_bytes, uid=uid,
                                         internaldate=internaldate)
            else:
                continue  # expunged between the two FETCHes
            msg.raw["size"] = sizes[uid]
            messages.append(msg)
        return messages

    def _move(self, client: IMAPClient, uids: list[int], folder: str) -> None:
        if client.has_capability("MOVE"):
            client.move(uids, folder)
            return
        client.copy(uids, folder)
        client.add_flags(uids, [DELETED])
        # Without UIDPLUS an EXPUNGE would also remove mail others flagged \Deleted:
        # leave ours flagged for the mailbox owner's client to expunge.
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(uids)

    def idle_wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` s in IMAP IDLE; True when new mail arrived.

        IDLE is renewed every ``IDLE_RENEW_SECONDS``. Without IDLE support on the server
        it sleeps and returns True, so the caller simply polls. IDLE only saves polls: when
        the server garbles an IDLE exchange, the connection is dropped and it returns True
        (poll now; polling is idempotent) rather than stopping the intake.
        """
        client = self._imap()
        try:
            with self._imap_errors("idle"):
                if not client.has_capability("IDLE"):
                    time.sleep(timeout)
                    return True
                self._select(client, self.folder, True)
                deadline = time.monotonic() + timeout
                while (remaining := deadline - time.monotonic()) > 0:
                    client.idle()
                    try:
                        responses = client.idle_check(
                            timeout=min(remaining, IDLE_RENEW_SECONDS))
                    finally:
                        client.idle_done()
                    if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                        return True
        except Transient as exc:
            log.warning("%s: IDLE interrupted (%s): polling now", self.name, exc)
            self._drop()
            return True
        return False

    # ---- Out -----------------------------------------------------------------------

    def _check_recipient(self, recipient: str | None) -> str:
        """The recipient lower-cased (for comparing and rate limiting), or Unsupported."""
        address = (recipient or "").strip().lower()
        if "@" not in address:
            raise Unsupported(f"e-mail needs a recipient address, got {recipient!r}")
        local = address.partition("@")[0]
        if address in self.own_addresses:
            raise Unsupported(f"refusing to e-mail our own address {address} (mail loop)")
        if local.startswith(ROBOT_LOCAL_PARTS):
            raise Unsupported(f"refusing to e-mail the robot address {address} (policy P16)")
        return address

    def _check_rate(self, address: str) -> None:
        now = time.monotonic()
        sent = self._sent_log[address]
        while sent and now - sent[0] >= 3600:
            sent.popleft()
        if len(sent) >= self.rate_limit_per_hour:
            retry_at = datetime.now(UTC) + timedelta(seconds=3600 - (now - sent[0]))
            raise RecipientRateLimited(
                f"e-mail rate limit reached: {len(sent)} messages to {address} in the last "
                f"hour (limit {self.rate_limit_per_hour}/h; a mail loop?); next allowed "
                f"at {retry_at:%Y-%m-%d %H:%M:%S}Z", retry_at=retry_at)

    def send(self, out: Outgoing) -> str | None:
        """Send one e-mail; returns its Message-ID (without ``<>``), derived from out.key.

        The copy in Sent is what ``find_sent`` recognises a retry by. It is appended after
        the SMTP server accepted the mail, so e-mail is at-least-once in one window: a
        crash between the two re-sends on retry. Appending first would make that window
        lose the mail instead, and a customer waiting for an answer is worse off.
        """
        if out.action not in SEND_ACTIONS:
            raise Unsupported(f"e-mail cannot {out.action!r}; only {', '.join(SEND_ACTIONS)}")
        address = self._check_recipient(out.recipient)
        self._check_rate(address)
        try:
            msg = compose(out, from_address=self.from_address, from_name=self.from_name,
                          message_id_domain=self.message_id_domain)
            data = msg.as_bytes()
        except (ValueError, MessageError) as exc:
            raise Unsupported(f"cannot build the e-mail to {address}: {exc}") from exc
        # Deliver to the address as written: a local part may be case-sensitive.
        self._submit((out.recipient or "").strip(), data)
        self._sent_log[address].append(time.monotonic())
        self._append_sent(data)
        message_id = str(msg["Message-ID"]).strip("<> ")
        log.info("%s: sent %s to %s (key %s)", self.name, message_id, address, out.key)
        return message_id

    def _submit(self, address: str, data: bytes) -> None:
        where = f"{self.smtp_host}:{self.smtp_port}"
        try:
            if self.smtp_ssl:
                opened = smtplib.SMTP_SSL(self.smtp_host, self.smtp_port, timeout=self.timeout,
                                          context=self._tls())
            else:
                opened = smtplib.SMTP(self.smtp_host, self.smtp_port, timeout=self.timeout)
            with opened as smtp:
                if self.smtp_starttls:
                    smtp.starttls(context=self._tls())
                if self.smtp_username:
                    smtp.login(self.smtp_username, self._smtp_password or "")
                smtp.sendmail(self.from_address, [address], data)
        except smtplib.SMTPAuthenticationError:
            raise AuthFailed(f"SMTP login refused for {self.smtp_username}@{where}: "
                             "check the account's password reference") from None
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (None, b""))
            raise self._smtp_refusal(f"recipient {address}", code, text) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise self._smtp_refusal("the message", exc.smtp_code, exc.smtp_error) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise PermissionDenied(f"SMTP server {where} lacks a needed extension "
                                   f"(STARTTLS/AUTH): {self._scrub(exc)}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # OSError: sockets, timeouts, TLS
            raise Transient(f"SMTP to {where} failed: {type(exc).__name__}: "
                            f"{self._scrub(exc)}") from exc

    def _smtp_refusal(self, what: str, code: int | None, text: bytes | str) -> Exception:
        words = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        message = f"SMTP server refused {what}: {code} {self._scrub(words)}"
        if code is not None and 400 <= code < 500:
            return Transient(message)
        return PermissionDenied(message)

    def _sent_folder(self, client: IMAPClient) -> str | None:
        if self.sent_folder is None:
            self.sent_folder = client.find_special_folder(SENT) or ""
        return self.sent_folder or None

    def _append_sent(self, data: bytes) -> None:
        """Best effort: the mail is already out, so a failure here is logged, not raised."""
        try:
            client = self._imap()
            with self._imap_errors("append to Sent"):
                folder = self._sent_folder(client)
                if folder:
                    client.append(folder, data, flags=[SEEN])
        except Exception as exc:
            log.warning("%s: sent mail not copied to the Sent folder: %s", self.name,
                        self._scrub(exc))

    def find_sent(self, out: Outgoing) -> str | None:
        """The Message-ID (without ``<>``) of an earlier send of ``out`` found in Sent."""
        message_id = message_id_for(out.key, self.message_id_domain)
        client = self._imap()
        with self._imap_errors("search of Sent"):
            folder = self._sent_folder(client)
            if not folder:
                return None
            self._select(client, folder, True)
            found = client.search(["HEADER", "Message-ID", message_id])
        return message_id.strip("<>") if found else None

    def close(self) -> None:
        """Log out of IMAP (SMTP connections are per send)."""
        self._drop(polite=True)


def _item(data: dict[bytes, Any], prefix: bytes) -> bytes:
    """The FETCH item whose key starts with ``prefix``: servers spell BODY[...] keys freely."""
    for key, value in data.items():
        if isinstance(key, bytes) and key.startswith(prefix) and isinstance(value, bytes):
            return value
    return b""
