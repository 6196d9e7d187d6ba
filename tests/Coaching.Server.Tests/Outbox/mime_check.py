"""Reads e-mails with Python's own MIME parser and the calendar parts with python-icalendar; prints one JSON object per file.

An independent reading of what the coaching server sent: headers as decoded by email.policy.default (RFC 2047 names
included), the MIME tree, and, for each text/calendar and .ics part, its method parameter and the METHOD, UID, SEQUENCE,
STATUS, DTSTART, DTEND, ORGANIZER and ATTENDEE that icalendar parses out of it, plus the part's exact bytes (base64).
"""
import base64
import email
import email.policy
import json
import sys

import icalendar


def tree(part):
    if part.is_multipart():
        return {"type": part.get_content_type(), "parts": [tree(p) for p in part.iter_parts()]}
    return {"type": part.get_content_type(), "filename": part.get_filename()}


def calendars(message):
    found = []
    for part in message.walk():
        if part.get_content_type() not in ("text/calendar", "application/ics"):
            continue
        raw = part.get_payload(decode=True)
        cal = icalendar.Calendar.from_ical(raw)
        events = [c for c in cal.walk() if c.name == "VEVENT"]
        found.append({
            "content_type": part.get_content_type(),
            "method_param": part.get_param("method"),
            "charset": part.get_content_charset(),
            "filename": part.get_filename(),
            "disposition": part.get_content_disposition(),
            "bytes": base64.b64encode(raw).decode(),
            "method": str(cal.get("METHOD")),
            "events": [{
                "uid": str(e.get("UID")),
                "sequence": int(e.get("SEQUENCE", 0)),
                "status": str(e.get("STATUS", "")),
                "start": e.decoded("DTSTART").isoformat(),
                "end": e.decoded("DTEND").isoformat(),
                "organizer": str(e.get("ORGANIZER", "")),
                "attendee": str(e.get("ATTENDEE", "")),
            } for e in events],
        })
    return found


def text(message, subtype):
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else None


for path in sys.argv[1:]:
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    print(json.dumps({
        "file": path,
        "message_id": message["Message-ID"],
        "date": message["Date"],
        "from": str(message["From"]),
        "from_address": message["From"].addresses[0].addr_spec,
        "to": [a.addr_spec for a in message["To"].addresses],
        "to_name": message["To"].addresses[0].display_name,
        "reply_to": [a.addr_spec for a in message["Reply-To"].addresses] if message["Reply-To"] else [],
        "subject": str(message["Subject"]),
        "header_names": list(message.keys()),
        "tree": tree(message),
        "plain": text(message, "plain"),
        "html": text(message, "html"),
        "calendars": calendars(message),
        "defects": [type(d).__name__ for d in message.defects],
    }))
