"""E-mail over TLS: STARTTLS for IMAP (pymap) and SMTP, implicit TLS for SMTP (aiosmtpd).

A self-signed certificate for 127.0.0.1 is made per test run; the connector trusts it
only through ``tls_ca_file``, and refuses it without (certificates are always verified).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from carecase.model import Outgoing
from connectors.base import Transient
from connectors.email import EmailChannel
from sandbox.mail import free_port, imap_server


@pytest.fixture(scope="module")
def cert(tmp_path_factory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


class Recorder:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(envelope.content)
        return "250 OK"


def server_context(cert: tuple[str, str]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert)
    return context


def channel(imap, smtp_port: int, *, ca: str | None, smtp_ssl: bool) -> EmailChannel:
    return EmailChannel(imap_host=imap.host, imap_port=imap.port, imap_starttls=True,
                        username=imap.user, password=imap.password, smtp_host="127.0.0.1",
                        smtp_port=smtp_port, smtp_ssl=smtp_ssl, smtp_starttls=not smtp_ssl,
                        from_address="care@nordicshoes.example", tls_ca_file=ca, timeout=10)


def reply() -> Outgoing:
    return Outgoing(key="tls-test-1", channel="email", action="send", body="Hej!",
                    subject="Ditt ärende", recipient="kund@example.se")


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "implicit-tls"])
def test_mail_goes_over_verified_tls(cert, implicit):
    recorder = Recorder()
    port = free_port()
    tls = {"ssl_context": server_context(cert)} if implicit else \
        {"tls_context": server_context(cert), "require_starttls": True}
    controller = Controller(recorder, hostname="127.0.0.1", port=port, **tls)
    controller.start()
    try:
        with imap_server(tls=cert) as imap:
            raw = EmailMessage()
            raw["From"], raw["Subject"], raw["Message-ID"] = "a@example.se", "Hej", "<t1@x>"
            raw.set_content("Mitt paket har inte kommit.")
            imap.append("INBOX", bytes(raw))
            trusted = channel(imap, port, ca=cert[0], smtp_ssl=implicit)
            try:
                polled = [m for b in trusted.poll(None) for m in b.messages]
                assert "t1@x" in {m.external_id for m in polled}
                assert trusted.send(reply())
            finally:
                trusted.close()
            assert len(recorder.received) == 1
            untrusted = channel(imap, port, ca=None, smtp_ssl=implicit)
            with pytest.raises(Transient, match=r"(?i)certificate"):
                untrusted.send(reply())
            untrusted.close()
    finally:
        controller.stop()


def test_the_ca_file_is_a_setting(tmp_path: Path):
    from carecase import config

    path = tmp_path / "carecase.toml"
    path.write_text('[channels.email]\ntls_ca_file = "/etc/ssl/private-ca.pem"\n')
    assert config.load(path, env={}).channels.email.tls_ca_file == "/etc/ssl/private-ca.pem"
