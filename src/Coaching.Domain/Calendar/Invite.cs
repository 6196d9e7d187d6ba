using NodaTime;

namespace Coaching.Domain.Calendar;

/// <summary>The iTIP method of an emitted message.</summary>
public enum InviteMethod
{
    /// <summary>A new or changed session (METHOD:REQUEST).</summary>
    Request = 1,

    /// <summary>A cancelled session (METHOD:CANCEL).</summary>
    Cancel = 2,
}

/// <summary>One emitted iCalendar message, kept byte for byte.</summary>
/// <param name="Ordinal">Position among the owner's messages, from 1.</param>
/// <param name="Method">The iTIP method.</param>
/// <param name="Sequence">The SEQUENCE it carries.</param>
/// <param name="Uid">The UID of its event.</param>
/// <param name="Content">The exact bytes sent.</param>
/// <param name="CreateTime">When it was emitted.</param>
public sealed record Invite(int Ordinal, InviteMethod Method, int Sequence, string Uid, byte[] Content, Instant CreateTime);

/// <summary>Whether a session is on, tentative (awaiting the coach) or off, as calendars show it.</summary>
public enum SessionStatus
{
    /// <summary>STATUS:CONFIRMED.</summary>
    Confirmed,

    /// <summary>STATUS:TENTATIVE.</summary>
    Tentative,

    /// <summary>STATUS:CANCELLED.</summary>
    Cancelled,
}

/// <summary>Everything a calendar entry for one session says.</summary>
public sealed record SessionEntry(
    string Uid,
    int Sequence,
    Instant Start,
    Instant End,
    string Summary,
    string Description,
    string OrganizerName,
    string OrganizerEmail,
    string AttendeeName,
    string AttendeeEmail,
    SessionStatus Status,
    Instant Stamp);

/// <summary>Writes iCalendar bytes (the Coaching.Calendar project implements it with Ical.Net).</summary>
public interface ICalendarWriter
{
    /// <summary>An iTIP message (REQUEST or CANCEL) for one session.</summary>
    byte[] WriteInvite(InviteMethod method, SessionEntry entry);

    /// <summary>A METHOD:PUBLISH subscription feed.</summary>
    byte[] WriteFeed(string calendarName, IReadOnlyList<SessionEntry> entries);
}
