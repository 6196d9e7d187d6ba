using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>Lifecycle state of a booking. Pending and Confirmed bookings are active: they hold their time.</summary>
public enum BookingState
{
    /// <summary>Awaiting the coach; already holds the time.</summary>
    Pending = 1,

    /// <summary>Confirmed; holds the time.</summary>
    Confirmed = 2,

    /// <summary>Declined by the coach.</summary>
    Declined = 3,

    /// <summary>Cancelled.</summary>
    Cancelled = 4,

    /// <summary>Held.</summary>
    Completed = 5,

    /// <summary>The client did not attend.</summary>
    NoShow = 6,
}

/// <summary>One recorded state change: who, when, why (and, for a reschedule, from when and under which request id).</summary>
public sealed record BookingEvent(BookingState State, string Actor, Instant Time, string Reason, Instant? PreviousStart, string? RequestId = null);

/// <summary>
/// A client's claim on one interval of a coach's time. The blocked time is the session plus the offering's
/// buffers as they were when booked, <c>[Start - BufferBefore, End + BufferAfter)</c>; no two active bookings
/// of a coach block overlapping time (enforced by the store).
/// </summary>
public sealed record Booking
{
    public required string Id { get; init; }

    public required string CoachId { get; init; }

    public required string OfferingId { get; init; }

    public required string ClientId { get; init; }

    public required Instant Start { get; init; }

    public required Instant End { get; init; }

    public required Duration BufferBefore { get; init; }

    public required Duration BufferAfter { get; init; }

    public required string CoachTimeZoneId { get; init; }

    public required string Agenda { get; init; }

    /// <summary>The offering's title when booked (the invite SUMMARY).</summary>
    public required string Title { get; init; }

    /// <summary>The coach's name when booked (the invite ORGANIZER's CN).</summary>
    public required string CoachName { get; init; }

    /// <summary>The coach's e-mail when booked (the invite ORGANIZER).</summary>
    public required string CoachEmail { get; init; }

    /// <summary>The client's name (from their token, or the client id).</summary>
    public required string ClientName { get; init; }

    /// <summary>The client's e-mail (from their token; empty when unknown).</summary>
    public required string ClientEmail { get; init; }

    /// <summary>SEQUENCE of the last iCalendar message emitted for this booking; -1 before the first. Only grows.</summary>
    public required int InviteSequence { get; init; }

    public required BookingState State { get; init; }

    public required IReadOnlyList<BookingEvent> History { get; init; }

    public required Instant CreateTime { get; init; }

    public required Instant UpdateTime { get; init; }

    public required long Version { get; init; }

    /// <summary>The resource name.</summary>
    public string Name => $"bookings/{Id}";

    /// <summary>The etag.</summary>
    public string Etag => Etags.Of(Version);

    /// <summary>Start of the blocked time.</summary>
    public Instant BlockStart => Start - BufferBefore;

    /// <summary>End of the blocked time (exclusive).</summary>
    public Instant BlockEnd => End + BufferAfter;

    /// <summary>True while the booking holds its time.</summary>
    public bool IsActive => State is BookingState.Pending or BookingState.Confirmed;
}
