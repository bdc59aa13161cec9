"""Outbox emails choose their own MIME boundaries: never one that occurs in the email itself."""

import email
from unittest import mock

from roundtable.core import email as outbox

TAKEN = 1234567890123456789
FREE = 0


def boundary(number: int) -> str:
    return "=" * 15 + f"{number:019d}" + "=="


def test_boundaries_avoid_the_contents_and_each_other_and_the_email_reads_back_the_same():
    text = f"Hello,\n--{boundary(TAKEN)}\nstill the text part\n"
    html = "<p>Caf\u00e9 &amp; more</p>"
    ics = b"BEGIN:VCALENDAR\r\nSUMMARY:Caf\xc3\xa9\r\nEND:VCALENDAR\r\n"
    message = outbox._OutboxMessage(subject="Caf\u00e9", body=text, from_email="a@example.org", to=["b@example.org"])
    message.attach_alternative(html, "text/html")
    message.attach("session-1.ics", ics, "text/calendar")

    # The first number drawn is in the text, the second repeats the first boundary's.
    with mock.patch.object(outbox.secrets, "randbelow", side_effect=[TAKEN, 7, 7, FREE]) as draw:
        raw = message.message().as_bytes()
    assert draw.call_count == 4

    parsed = email.message_from_bytes(raw)
    assert parsed.get_content_type() == "multipart/mixed" and parsed.get_boundary() == boundary(7)
    alternative, attachment = parsed.get_payload()
    assert alternative.get_content_type() == "multipart/alternative" and alternative.get_boundary() == boundary(FREE)
    plain, rich = alternative.get_payload()
    assert plain.get_payload(decode=True).decode() == text
    assert rich.get_payload(decode=True).decode() == html
    assert attachment.get_filename() == "session-1.ics"
    # Line endings are the generator's, as before (SMTP writes CRLF).
    assert attachment.get_payload(decode=True).splitlines() == ics.splitlines()


def test_a_single_part_email_is_left_alone():
    message = outbox._OutboxMessage(subject="Hi", body="Just text", from_email="a@example.org", to=["b@example.org"])
    with mock.patch.object(outbox.secrets, "randbelow") as draw:
        parsed = email.message_from_bytes(message.message().as_bytes())
    assert draw.call_count == 0
    assert parsed.get_payload() == "Just text"


def test_the_email_is_byte_for_byte_what_django_writes_apart_from_the_boundary_numbers():
    def build(cls):
        headers = {"Date": "Fri, 29 Nov 2030 07:00:00 -0000", "Message-ID": "<outbox-1@example.org>"}
        message = cls(
            subject="A place at Caf\u00e9",
            body="Hello\n" * 40,
            from_email="a@example.org",
            to=["b@example.org"],
            headers=headers,
        )
        message.attach_alternative("<p>Hello</p>\n" * 40, "text/html")
        message.attach("session-1.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
        msg = message.message()
        raw = msg.as_bytes(linesep="\r\n")
        for number, part in enumerate(p for p in msg.walk() if p.is_multipart()):
            raw = raw.replace(part.get_boundary().encode(), f"BOUNDARY-{number}".encode())
        return raw

    ours, djangos = build(outbox._OutboxMessage), build(outbox.EmailMultiAlternatives)
    assert ours.count(b"BOUNDARY-") == djangos.count(b"BOUNDARY-") == 8
    assert ours == djangos
