using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>
/// A client's claim on one interval of a coach's time. The blocked time is the session plus the offering's
/// buffers as they were when booked, <c>[Start - BufferBefore, End + BufferAfter)</c>; no two active bookings
/// of a coach block overlapping time (enforced by the store).
/// </summary>
public sealed record Booking
{
    /// <summary>Identifier (a ULID).</summary>
    public required string Id { get; init; }

    /// <summary>The coach whose time it claims.</summary>
    public required string CoachId { get; init; }

    /// <summary>The session type booked.</summary>
    public required string OfferingId { get; init; }

    /// <summary>The client it is for (a user id).</summary>
    public required string ClientId { get; init; }

    /// <summary>Start of the session.</summary>
    public required Instant Start { get; init; }

    /// <summary>End of the session (exclusive).</summary>
    public required Instant End { get; init; }

    /// <summary>Time blocked before the session, as the offering said when booked.</summary>
    public required Duration BufferBefore { get; init; }

    /// <summary>Time blocked after the session, as the offering said when booked.</summary>
    public required Duration BufferAfter { get; init; }

    /// <summary>The coach's IANA zone when booked (for local days and caps).</summary>
    public required string CoachTimeZoneId { get; init; }

    /// <summary>The client's questions for the session.</summary>
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

    /// <summary>Where the booking is in its lifecycle.</summary>
    public required BookingState State { get; init; }

    /// <summary>Every state change: who, when, why; oldest first.</summary>
    public required IReadOnlyList<BookingEvent> History { get; init; }

    /// <summary>When it was booked.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary>When it last changed.</summary>
    public required Instant UpdateTime { get; init; }

    /// <summary>Grows by one with every change; the etag.</summary>
    public required long Version { get; init; }

    /// <summary>The resource name.</summary>
    public string Name => ResourceNames.Booking(Id);

    /// <summary>The etag.</summary>
    public string Etag => Etags.Of(Version);

    /// <summary>Start of the blocked time.</summary>
    public Instant BlockStart => Start - BufferBefore;

    /// <summary>End of the blocked time (exclusive).</summary>
    public Instant BlockEnd => End + BufferAfter;

    /// <summary>True while the booking holds its time.</summary>
    public bool IsActive => State is BookingState.Pending or BookingState.Confirmed;

    /// <summary>The session, <c>[Start, End)</c>.</summary>
    public Interval Session => new(Start, End);

    /// <summary>The blocked time, buffers included, <c>[BlockStart, BlockEnd)</c>.</summary>
    public Interval Block => new(BlockStart, BlockEnd);

    /// <summary>
    /// A new booking of <paramref name="offering"/> at <paramref name="start"/>: PENDING when the offering needs the coach's
    /// confirmation (it already holds the time), otherwise CONFIRMED; the offering's title and buffers and the coach's
    /// contact details are kept as they are now. Whether the start is open is the caller's check.
    /// </summary>
    /// <exception cref="ArgumentException">When the offering is not the coach's.</exception>
    public static Booking Book(string id, Coach coach, Offering offering, BookingParty client, Instant start, string agenda, string actor,
        string? requestId, Instant at)
    {
        if (offering.CoachId != coach.Id)
        {
            throw new ArgumentException($"Offering {offering.Id} is not coach {coach.Id}'s.", nameof(offering));
        }

        var state = offering.RequiresConfirmation ? BookingState.Pending : BookingState.Confirmed;
        return new Booking
        {
            Id = id,
            CoachId = coach.Id,
            OfferingId = offering.Id,
            ClientId = client.Id,
            Start = start,
            End = start + offering.Duration,
            BufferBefore = offering.BufferBefore,
            BufferAfter = offering.BufferAfter,
            CoachTimeZoneId = coach.TimeZoneId,
            Agenda = agenda,
            Title = offering.Title,
            CoachName = coach.DisplayName,
            CoachEmail = coach.Email,
            ClientName = client.Name,
            ClientEmail = client.Email,
            InviteSequence = -1,
            State = state,
            History = [new BookingEvent(state, actor, at, string.Empty, null, requestId)],
            CreateTime = at,
            UpdateTime = at,
            Version = 1,
        };
    }

    /// <summary>The coach accepts a pending booking.</summary>
    /// <exception cref="DomainException">INVALID_STATE_TRANSITION unless PENDING.</exception>
    public Booking Confirm(string actor, Instant at) => Become(BookingState.Confirmed, "confirmed", actor, at, string.Empty, BookingState.Pending);

    /// <summary>The coach turns a pending booking down; the time is free again.</summary>
    /// <exception cref="DomainException">INVALID_STATE_TRANSITION unless PENDING.</exception>
    public Booking Decline(string actor, Instant at, string reason) => Become(BookingState.Declined, "declined", actor, at, reason, BookingState.Pending);

    /// <summary>An active booking is called off; the time is free again.</summary>
    /// <exception cref="DomainException">INVALID_STATE_TRANSITION unless PENDING or CONFIRMED.</exception>
    public Booking Cancel(string actor, Instant at, string reason) =>
        Become(BookingState.Cancelled, "cancelled", actor, at, reason, BookingState.Pending, BookingState.Confirmed);

    /// <summary>A confirmed session was held.</summary>
    /// <exception cref="DomainException">INVALID_STATE_TRANSITION unless CONFIRMED; SESSION_NOT_STARTED before its start.</exception>
    public Booking Complete(string actor, Instant at) => Attended(BookingState.Completed, "completed", actor, at);

    /// <summary>The client missed a confirmed session.</summary>
    /// <exception cref="DomainException">INVALID_STATE_TRANSITION unless CONFIRMED; SESSION_NOT_STARTED before its start.</exception>
    public Booking MarkNoShow(string actor, Instant at) => Attended(BookingState.NoShow, "marked as a no-show", actor, at);

    /// <summary>Refuses a client's own cancel or move once <paramref name="cutoff"/> before the start has passed.</summary>
    /// <exception cref="DomainException">FAILED_PRECONDITION CANCELLATION_WINDOW_CLOSED.</exception>
    public void EnsureClientMayChange(Duration cutoff, Instant now)
    {
        if (now > Start - cutoff)
        {
            throw BookingErrors.CancellationWindowClosed(Name);
        }
    }

    /// <summary>Refuses a move unless the booking still holds its time.</summary>
    /// <exception cref="DomainException">INVALID_STATE_TRANSITION unless PENDING or CONFIRMED.</exception>
    public void EnsureMovable() => RequireState("rescheduled", BookingState.Pending, BookingState.Confirmed);

    /// <summary>
    /// The same booking (same identity and state) at <paramref name="newStart"/>, with <paramref name="offering"/>'s current length and
    /// buffers; <paramref name="requestTag"/> records the request that moved it, so a retry can be recognised.
    /// </summary>
    /// <exception cref="DomainException">INVALID_STATE_TRANSITION unless PENDING or CONFIRMED.</exception>
    public Booking MoveTo(Instant newStart, Offering offering, string actor, Instant at, string requestTag)
    {
        EnsureMovable();
        return this with
        {
            Start = newStart,
            End = newStart + offering.Duration,
            BufferBefore = offering.BufferBefore,
            BufferAfter = offering.BufferAfter,
            History = [.. History, new BookingEvent(State, actor, at, "rescheduled", Start, requestTag)],
            UpdateTime = at,
            Version = checked(Version + 1),
        };
    }

    private Booking Attended(BookingState next, string action, string actor, Instant at)
    {
        RequireState(action, BookingState.Confirmed);
        return at >= Start ? Become(next, action, actor, at, string.Empty, BookingState.Confirmed) : throw BookingErrors.NotStartedYet(Name);
    }

    private Booking Become(BookingState next, string action, string actor, Instant at, string reason, params BookingState[] from)
    {
        RequireState(action, from);
        return this with
        {
            State = next,
            History = [.. History, new BookingEvent(next, actor, at, reason, null)],
            UpdateTime = at,
            Version = checked(Version + 1),
        };
    }

    private void RequireState(string action, params BookingState[] allowed)
    {
        if (!allowed.Contains(State))
        {
            throw BookingErrors.IllegalTransition(Name, State, action);
        }
    }
}
