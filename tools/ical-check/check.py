"""Parses an iCalendar file with Python's icalendar (Debian python3-icalendar) and prints what it understood as JSON.

Usage: /usr/bin/python3 check.py file.ics
"""
import json
import sys
from datetime import timezone

from icalendar import Calendar


def address(value):
    text = str(value or "")
    return text[7:] if text.lower().startswith("mailto:") else text


def utc(prop):
    return prop.dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


with open(sys.argv[1], "rb") as f:
    calendar = Calendar.from_ical(f.read())

events = []
for event in calendar.walk("VEVENT"):
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    organizer = event.get("ORGANIZER")
    events.append({
        "uid": str(event.get("UID")),
        "sequence": int(event.get("SEQUENCE", 0)),
        "status": str(event.get("STATUS", "")),
        "start": utc(event.get("DTSTART")),
        "end": utc(event.get("DTEND")),
        "summary": str(event.get("SUMMARY", "")),
        "description": str(event.get("DESCRIPTION", "")),
        "location": str(event.get("LOCATION", "")),
        "organizer": address(organizer),
        "organizer_cn": str(organizer.params.get("CN", "")) if organizer is not None else "",
        "attendees": [{
            "email": address(a),
            "cn": str(a.params.get("CN", "")),
            "role": str(a.params.get("ROLE", "")),
            "partstat": str(a.params.get("PARTSTAT", "")),
            "rsvp": str(a.params.get("RSVP", "")).upper(),
        } for a in attendees],
    })

print(json.dumps({
    "method": str(calendar.get("METHOD", "")),
    "prodid": str(calendar.get("PRODID", "")),
    "calname": str(calendar.get("X-WR-CALNAME", "")),
    "events": events,
}))
