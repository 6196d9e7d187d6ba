using NodaTime;

namespace Coaching.Domain.ExternalCalendars;

/// <summary>
/// Turns an external calendar (iCalendar text) into the busy time it holds in a window: every event that is neither transparent
/// nor cancelled, recurrences expanded, nothing else kept (no titles, attendees or descriptions).
/// </summary>
public interface IExternalBusyParser
{
    /// <summary>The busy intervals of <paramref name="ics"/> that overlap <paramref name="window"/>.</summary>
    /// <param name="ics">The calendar as fetched.</param>
    /// <param name="coachZone">The zone of all-day events and floating times (the coach's).</param>
    /// <param name="window">The stretch of time the service needs (e.g. the booking horizon).</param>
    /// <exception cref="ExternalCalendarException">The text is not a calendar this service can read.</exception>
    ExternalBusy Parse(string ics, DateTimeZone coachZone, Interval window);
}

/// <summary>
/// What a calendar said: its busy intervals (merged, in order), how many events it held, whether expansion stopped at the
/// limit, and what was read with a fallback (an unknown zone).
/// </summary>
public sealed record ExternalBusy(IReadOnlyList<Interval> Busy, int Events, bool Truncated, IReadOnlyList<string> Problems);

/// <summary>A calendar that cannot be read (malformed, too large): the message is safe to show and to log.</summary>
public sealed class ExternalCalendarException : Exception
{
    /// <summary>A failure with a message.</summary>
    public ExternalCalendarException(string message)
        : base(message)
    {
    }

    /// <summary>A failure with a message and its cause.</summary>
    public ExternalCalendarException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A generic failure.</summary>
    public ExternalCalendarException()
        : base("The calendar could not be read.")
    {
    }
}
