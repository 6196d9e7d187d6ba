"""Parses an iCalendar file with python-vobject (Debian python3-vobject) and prints what it understood as JSON,
in the same shape as check.py and check.mjs.

Usage: /usr/bin/python3 check_vobject.py file.ics
"""
import json
import sys
from datetime import timezone

import vobject


def address(value):
    text = str(value or "")
    return text[7:] if text.lower().startswith("mailto:") else text


def param(prop, name):
    values = prop.params.get(name, []) if prop is not None else []
    return str(values[0]) if values else ""


def first(component, name):
    props = component.contents.get(name.lower(), [])
    return props[0] if props else None


def utc(prop):
    return prop.value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


with open(sys.argv[1], encoding="utf-8", newline="") as f:
    calendar = vobject.readOne(f.read())

events = []
for event in calendar.contents.get("vevent", []):
    organizer = first(event, "organizer")
    events.append({
        "uid": first(event, "uid").value,
        "sequence": int(first(event, "sequence").value if first(event, "sequence") else 0),
        "status": first(event, "status").value if first(event, "status") else "",
        "start": utc(first(event, "dtstart")),
        "end": utc(first(event, "dtend")),
        "summary": first(event, "summary").value if first(event, "summary") else "",
        "description": first(event, "description").value if first(event, "description") else "",
        "location": first(event, "location").value if first(event, "location") else "",
        "organizer": address(organizer.value if organizer else ""),
        "organizer_cn": param(organizer, "CN"),
        "attendees": [{
            "email": address(a.value),
            "cn": param(a, "CN"),
            "role": param(a, "ROLE"),
            "partstat": param(a, "PARTSTAT"),
            "rsvp": param(a, "RSVP").upper(),
        } for a in event.contents.get("attendee", [])],
    })

calname = first(calendar, "x-wr-calname")
print(json.dumps({
    "method": first(calendar, "method").value if first(calendar, "method") else "",
    "prodid": first(calendar, "prodid").value if first(calendar, "prodid") else "",
    "calname": calname.value if calname else "",
    "events": events,
}))
