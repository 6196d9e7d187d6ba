"""Independent expansion of a calendar's busy time, for the property test of the service's reader.

Uses Python's icalendar and recurring_ical_events (Debian python3-icalendar, python3-recurring-ical-events): prints, as JSON,
the [start, end] (UTC, ISO 8601) of every occurrence between two instants of every event that is neither transparent nor
cancelled. Usage: /usr/bin/python3 busy.py file.ics 2027-01-01T00:00:00Z 2027-06-01T00:00:00Z
"""
import json
import sys
from datetime import datetime, timezone

import recurring_ical_events
from icalendar import Calendar


def parse(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def utc(value):
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


with open(sys.argv[1], "rb") as f:
    calendar = Calendar.from_ical(f.read())

start, end = parse(sys.argv[2]), parse(sys.argv[3])
busy = []
for event in recurring_ical_events.of(calendar).between(start, end):
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT" or str(event.get("STATUS", "")).upper() == "CANCELLED":
        continue
    busy.append([utc(event["DTSTART"].dt), utc(event["DTEND"].dt)])

print(json.dumps(sorted(busy)))
