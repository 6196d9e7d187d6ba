using System.Text;
using Coaching.Domain.Calendar;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using NodaTime;
using IcalCalendar = Ical.Net.Calendar;

namespace Coaching.Calendar;

/// <summary>
/// Writes invites and feeds with Ical.Net (RFC 5545 text, CRLF, 75-octet folding, TEXT escaping). Times are
/// written in UTC (<c>DTSTART:...Z</c>): every calendar app converts them to its own zone, and no VTIMEZONE has to be
/// kept in step with the TZDB. Text that reaches parameter values (CN) has control characters and quotes removed,
/// because parameter values cannot be escaped; property values are escaped by the serializer.
/// </summary>
public sealed class IcalWriter : ICalendarWriter
{
    /// <summary>The PRODID of everything this product emits.</summary>
    public const string ProductId = "-//Coaching//Coaching booking service 1.0//EN";

    /// <inheritdoc />
    public byte[] WriteInvite(InviteMethod method, SessionEntry entry) => WriteInvite(method, [entry]);

    /// <inheritdoc />
    public byte[] WriteInvite(InviteMethod method, IReadOnlyList<SessionEntry> entries)
    {
        var calendar = NewCalendar(method == InviteMethod.Cancel ? "CANCEL" : "REQUEST");
        foreach (var entry in entries)
        {
            calendar.Events.Add(Event(entry));
        }

        return Serialize(calendar);
    }

    /// <inheritdoc />
    public byte[] WriteFeed(string calendarName, IReadOnlyList<SessionEntry> entries)
    {
        var calendar = NewCalendar("PUBLISH");
        var name = ParameterSafe(calendarName);
        calendar.AddProperty("X-WR-CALNAME", name);
        calendar.AddProperty("NAME", name);
        calendar.AddProperty(new Ical.Net.CalendarProperty("REFRESH-INTERVAL", "PT1H") { Parameters = { new Ical.Net.CalendarParameter("VALUE", "DURATION") } });
        calendar.AddProperty("X-PUBLISHED-TTL", "PT1H");
        foreach (var entry in entries)
        {
            calendar.Events.Add(Event(entry));
        }

        return Serialize(calendar);
    }

    private static IcalCalendar NewCalendar(string method) => new() { Method = method, ProductId = ProductId, Version = "2.0" };

    private static CalendarEvent Event(SessionEntry entry)
    {
        var calendarEvent = new CalendarEvent
        {
            Uid = entry.Uid,
            Sequence = entry.Sequence,
            DtStamp = Utc(entry.Stamp),
            DtStart = Utc(entry.Start),
            DtEnd = Utc(entry.End),
            Summary = entry.Summary,
            Description = entry.Description.Length == 0 ? null : entry.Description,
            Location = entry.Location.Length == 0 ? null : entry.Location,
            Status = entry.Status switch
            {
                SessionStatus.Cancelled => "CANCELLED",
                SessionStatus.Tentative => "TENTATIVE",
                _ => "CONFIRMED",
            },
            Transparency = "OPAQUE",
            Organizer = new Organizer($"mailto:{entry.OrganizerEmail}") { CommonName = ParameterSafe(entry.OrganizerName) },
        };
        if (entry.AttendeeEmail.Length == 0)
        {
            // A coach's own teaching session in their feed: they are the organizer, there is no single attendee.
            return calendarEvent;
        }

        // The client booked the session themself: their acceptance is the booking, so no reply is requested.
        calendarEvent.Attendees.Add(new Attendee($"mailto:{entry.AttendeeEmail}")
        {
            CommonName = ParameterSafe(entry.AttendeeName),
            Role = "REQ-PARTICIPANT",
            ParticipationStatus = entry.Status == SessionStatus.Cancelled ? "DECLINED" : "ACCEPTED",
            Rsvp = false,
        });
        return calendarEvent;
    }

    private static CalDateTime Utc(Instant instant) => new(instant.ToDateTimeUtc());

    private static byte[] Serialize(IcalCalendar calendar)
    {
        var text = new CalendarSerializer().SerializeToString(calendar) ?? throw new InvalidOperationException("Ical.Net produced no text.");
        return Encoding.UTF8.GetBytes(Folding.Refold(text));
    }

    /// <summary>
    /// Removes what a parameter value cannot carry (control characters, DQUOTE) and what readers disagree on
    /// (backslash: some unescape it in parameters; caret: RFC 6868 readers decode <c>^n</c>, <c>^^</c>, <c>^'</c>, others
    /// do not), keeping every script, so every reader shows the same name.
    /// </summary>
    public static string ParameterSafe(string value)
    {
        var cleaned = new string([.. value.Select(c => char.IsControl(c) ? ' ' : c).Where(c => c is not ('"' or '\\' or '^'))]).Trim();
        return cleaned.Length == 0 ? "-" : cleaned;
    }
}
