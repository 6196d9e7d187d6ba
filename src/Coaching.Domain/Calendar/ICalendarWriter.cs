
namespace Coaching.Domain.Calendar;

/// <summary>Writes iCalendar bytes (the Coaching.Calendar project implements it with Ical.Net).</summary>
public interface ICalendarWriter
{
    /// <summary>An iTIP message (REQUEST or CANCEL) for one session.</summary>
    byte[] WriteInvite(InviteMethod method, SessionEntry entry);

    /// <summary>An iTIP message (REQUEST or CANCEL) covering several sessions (one VEVENT each), e.g. a cohort's.</summary>
    byte[] WriteInvite(InviteMethod method, IReadOnlyList<SessionEntry> entries);

    /// <summary>A METHOD:PUBLISH subscription feed.</summary>
    byte[] WriteFeed(string calendarName, IReadOnlyList<SessionEntry> entries);
}
