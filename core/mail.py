"""Django's SMTP backend, able to write to internationalised addresses (RFC 6531).

Django writes an address such as josé@example.com with its local part RFC 2047-encoded
(`=?utf-8?b?am9zw6k=?=@example.com`), in the envelope and in the headers: no server delivers
that. This backend sends a message that has such an address with SMTPUTF8, the addresses
unchanged in the envelope and in the address headers (RFC 6531, 6532). Every other message
goes out exactly as Django's backend sends it.
"""

from __future__ import annotations

import smtplib
from email import generator, policy
from email.errors import HeaderParseError
from email.headerregistry import Address, parser
from io import BytesIO

from django.core.mail import EmailMessage
from django.core.mail.backends import smtp

# UTF-8 where a header holds it; every header is written as built, none folded again.
UTF8_HEADERS = policy.SMTPUTF8.clone(refold_source="none")


def mailbox(address: str) -> Address:
    """One address, refused where Django's backend refuses it (`sanitize_address`)."""
    try:
        token, rest = parser.get_mailbox(address)
    except (HeaderParseError, ValueError, IndexError) as error:
        raise ValueError(f'Invalid address "{address}"') from error
    if rest:
        raise ValueError(f'Invalid address; only {token} could be parsed from "{address}"')
    parts = [token.display_name or "", token.local_part, token.domain or ""]
    if any("\n" in part or "\r" in part for part in parts):
        raise ValueError("Invalid address; address parts cannot contain newlines.")
    return Address(*parts)


def needs_smtputf8(message: EmailMessage) -> bool:
    """Whether an address has UTF-8 before its @ (a UTF-8 domain has an ASCII form instead)."""
    addresses = [str(address) for address in [message.from_email, *message.recipients()]]
    addresses += [str(address) for address in message.reply_to]
    return any(
        not address.isascii() and not mailbox(address).username.isascii() for address in addresses
    )


class EmailBackend(smtp.EmailBackend):
    def _send(self, email_message: EmailMessage) -> bool:
        if not email_message.recipients() or not needs_smtputf8(email_message):
            return super()._send(email_message)
        message = email_message.message()
        # The address headers EmailMessage.message() wrote from these lists (a header given
        # in `headers` is the caller's, as Django leaves it).
        for name, addresses in [
            ("From", [email_message.from_email]),
            ("To", email_message.to),
            ("Cc", email_message.cc),
            ("Reply-To", email_message.reply_to),
        ]:
            if name in message and name not in email_message.extra_headers:
                value = ", ".join(str(mailbox(str(address))) for address in addresses)
                message.replace_header(name, value)
        raw = BytesIO()
        generator.BytesGenerator(raw, mangle_from_=False, policy=UTF8_HEADERS).flatten(
            message, linesep="\r\n"
        )
        try:
            # Without SMTPUTF8 on the server smtplib raises SMTPNotSupportedError: the outbox
            # keeps the e-mail and tries again rather than send it mangled.
            self.connection.sendmail(
                mailbox(str(email_message.from_email)).addr_spec,
                [mailbox(str(address)).addr_spec for address in email_message.recipients()],
                raw.getvalue(),
                mail_options=["SMTPUTF8"],
            )
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
