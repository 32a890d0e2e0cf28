"""Prints the messages of a Maildir (as aiosmtpd's Mailbox handler writes them) as JSON, decoded by Python's email
package: the tests assert on what an SMTP server really received, not on what the sender meant to send."""
import json
import mailbox
import sys
from email import policy
from email.parser import BytesParser

messages = []
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
# Maildir names start with the delivery time: sorted, they are in arrival order.
for key in sorted(box.keys()):
    with box.get_file(key) as f:
        raw = f.read()
    message = BytesParser(policy=policy.default).parsebytes(raw)
    parts = {}
    for part in message.walk():
        if part.get_content_maintype() == "multipart":
            continue
        parts.setdefault(part.get_content_type(), part.get_content())
    messages.append({
        "subject": str(message["subject"]),
        "raw_subject_header": [line for line in raw.decode("utf-8", "replace").splitlines() if line.lower().startswith("subject:")][0],
        "from": str(message["from"]),
        "to": [a.addr_spec for a in message["to"].addresses],
        "content_type": message.get_content_type(),
        "text": parts.get("text/plain"),
        "html": parts.get("text/html"),
        "headers": list(message.keys()),
        "message_id": str(message["message-id"]),
        # Added by aiosmtpd's Mailbox handler: the envelope's recipients, what the server really delivered to.
        "rcpt_to": str(message["x-rcptto"]),
    })
json.dump(messages, sys.stdout)
