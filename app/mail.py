"""E-mail over SMTP (smtplib), configured by MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USE_SSL, MAIL_USERNAME,
MAIL_PASSWORD and MAIL_DEFAULT_SENDER; without MAIL_SERVER nothing is mailed (messages stay in the app).

The one place the app talks SMTP: `configured()`, `message()` (a Thai subject is RFC 2047-encoded by
email.message.EmailMessage, the body is UTF-8), `connection()` (one SMTP session for a batch) and `absolute_url()`
(links in mails sent outside a request, from PUBLIC_BASE_URL or SERVER_NAME).
"""

import contextlib
import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, has_request_context, request


class MailError(Exception):
    """A message could not be handed to the SMTP server (it is retried by the next delivery run)."""


def configured() -> bool:
    """Whether a mail server is configured (else notifications stay in the app only)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def message(to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message from MAIL_DEFAULT_SENDER to `to` (the subject encoded as RFC 2047 when not ASCII)."""
    msg = EmailMessage()
    msg["From"] = current_app.config.get("MAIL_DEFAULT_SENDER") or "no-reply@localhost"
    msg["To"] = to
    msg["Subject"] = " ".join(subject.split())  # no line breaks in a header
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=_domain())
    msg.set_content(body)  # utf-8, quoted-printable or base64 as the text needs
    return msg


def _domain() -> str:
    """The domain of Message-IDs: the sender's."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "localhost"
    return sender.rpartition("@")[2].strip("> ") or "localhost"


@contextlib.contextmanager
def connection() -> Iterator[smtplib.SMTP]:
    """One SMTP session (SSL, or STARTTLS when MAIL_USE_TLS, and login when MAIL_USERNAME); MailError if it fails."""
    cfg = current_app.config
    host, port, timeout = cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT") or 25), cfg.get("MAIL_TIMEOUT", 30)
    try:
        smtp: smtplib.SMTP
        if cfg.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"cannot connect to {host}:{port}: {exc}") from exc
    try:
        yield smtp
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()


def send(smtp: smtplib.SMTP, msg: EmailMessage) -> None:
    """Hand one message to the server; MailError when it is refused."""
    try:
        refused = smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(str(exc)) from exc
    if refused:
        raise MailError(f"recipients refused: {', '.join(refused)}")


def base_url() -> str:
    """The site's address without a trailing slash: PUBLIC_BASE_URL, else SERVER_NAME, else the request's host."""
    cfg = current_app.config
    if cfg.get("PUBLIC_BASE_URL"):
        return str(cfg["PUBLIC_BASE_URL"]).rstrip("/")
    if cfg.get("SERVER_NAME"):
        return f"{cfg.get('PREFERRED_URL_SCHEME') or 'http'}://{cfg['SERVER_NAME']}".rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://localhost"


def absolute_url(path: str) -> str:
    """`path` (a local path such as /entry/...) as an absolute link for an e-mail."""
    if not path:
        return base_url() + "/"
    return base_url() + (path if path.startswith("/") else "/" + path)
