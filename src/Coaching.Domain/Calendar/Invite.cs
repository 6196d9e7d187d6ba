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

    /// <summary>An iTIP message (REQUEST or CANCEL) covering several sessions (one VEVENT each), e.g. a cohort's.</summary>
    byte[] WriteInvite(InviteMethod method, IReadOnlyList<SessionEntry> entries);

    /// <summary>A METHOD:PUBLISH subscription feed.</summary>
    byte[] WriteFeed(string calendarName, IReadOnlyList<SessionEntry> entries);
}

/// <summary>The latest message sent for one enrolment.</summary>
public sealed record LastInvite(InviteMethod Method, int Sequence, string SessionsDigest);

/// <summary>
/// Messages emitted for enrolments. Each enrolment's messages are numbered (ordinal = SEQUENCE + 1) under a unique key,
/// so two writers can never both append the same SEQUENCE: the loser's append returns false and it re-reads.
/// </summary>
public interface IEnrolmentInviteStore
{
    /// <summary>Appends a message if no message with its ordinal exists yet.</summary>
    Task<bool> TryAppendAsync(string enrolmentId, string cohortId, Invite invite, string sessionsDigest, CancellationToken cancellationToken);

    /// <summary>Every message of an enrolment, oldest first.</summary>
    Task<IReadOnlyList<Invite>> ListAsync(string enrolmentId, CancellationToken cancellationToken);

    /// <summary>The latest message of every enrolment of a cohort, in one query.</summary>
    Task<IReadOnlyDictionary<string, LastInvite>> LatestAsync(string cohortId, CancellationToken cancellationToken);

    /// <summary>The latest message of each of the given enrolments, in one query.</summary>
    Task<IReadOnlyDictionary<string, LastInvite>> LatestForAsync(IReadOnlyCollection<string> enrolmentIds, CancellationToken cancellationToken);
}
