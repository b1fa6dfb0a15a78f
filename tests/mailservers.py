"""The loopback mail servers now live in ``sandbox/mail.py`` (the demo uses them too)."""

from sandbox.mail import *  # noqa: F403
from sandbox.mail import free_port, imap_server, smtp_server  # noqa: F401
