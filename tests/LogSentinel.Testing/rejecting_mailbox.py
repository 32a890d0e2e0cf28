"""aiosmtpd handler for the tests: a Maildir like aiosmtpd.handlers.Mailbox, whose server refuses for good (550)
any recipient whose address starts with "bounce"."""
from aiosmtpd.handlers import Mailbox


class RejectingMailbox(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith("bounce"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"
