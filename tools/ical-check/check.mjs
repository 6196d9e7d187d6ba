// Parses an iCalendar file with ical.js (the parser behind Thunderbird) and prints what it understood as JSON,
// so tests can compare it with what the server meant to say. Usage: node check.mjs file.ics
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const text = readFileSync(process.argv[2], 'utf8');
const calendar = new ICAL.Component(ICAL.parse(text));
const address = (v) => (v || '').replace(/^mailto:/i, '');
const utc = (t) => t.toJSDate().toISOString().replace('.000Z', 'Z');
const events = calendar.getAllSubcomponents('vevent').map((vevent) => {
  const event = new ICAL.Event(vevent);
  const organizer = vevent.getFirstProperty('organizer');
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue('status'),
    start: utc(event.startDate),
    end: utc(event.endDate),
    summary: event.summary,
    description: event.description ?? '',
    location: event.location ?? '',
    organizer: address(organizer?.getFirstValue()),
    organizer_cn: organizer?.getParameter('cn') ?? '',
    attendees: event.attendees.map((a) => ({
      email: address(a.getFirstValue()),
      cn: a.getParameter('cn') ?? '',
      role: a.getParameter('role') ?? '',
      partstat: a.getParameter('partstat') ?? '',
      rsvp: (a.getParameter('rsvp') ?? '').toUpperCase(),
    })),
  };
});
console.log(JSON.stringify({
  method: calendar.getFirstPropertyValue('method'),
  prodid: calendar.getFirstPropertyValue('prodid'),
  calname: calendar.getFirstPropertyValue('x-wr-calname') ?? '',
  events,
}));
