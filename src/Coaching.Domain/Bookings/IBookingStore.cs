using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>
/// A family of cap seats: at most <see cref="Capacity"/> active bookings may hold a claim
/// <c>"{Prefix}|{k}"</c> with 0 ≤ k &lt; Capacity. The store picks a free k atomically with the booking write.
/// </summary>
public sealed record CapFamily(string Prefix, int Capacity, string Reason);

/// <summary>What a booking must hold while active: its time cells and one seat in each cap family.</summary>
public sealed record BookingClaims(IReadOnlyList<string> Cells, IReadOnlyList<CapFamily> Caps);

/// <summary>A booking list query; order is (start, id).</summary>
public sealed record BookingQuery(
    string? CoachId,
    string? ClientId,
    IReadOnlyCollection<BookingState> States,
    Instant? StartFrom,
    Instant? StartBefore,
    (Instant Start, string Id)? After,
    int Limit);

/// <summary>
/// Persistence of bookings. The store is where the guarantees live: a booking and its claims are written in
/// one atomic step (with the iCalendar message the change emits, if any), no claim can be held twice (unique key), a state change is a version-conditional write
/// that releases the claims in the same step when the booking stops being active, and a reschedule swaps the
/// claims in one step so at no instant both or neither of the times are held.
/// </summary>
public interface IBookingStore
{
    /// <summary>Inserts an active booking with its claims.</summary>
    /// <returns>The new booking, or the original when <paramref name="key"/> was used before.</returns>
    /// <exception cref="DomainException">FAILED_PRECONDITION SLOT_UNAVAILABLE when a cell is held; the cap family's reason when it is full.</exception>
    Task<CreateResult<Booking>> CreateAsync(Booking booking, BookingClaims claims, IdempotencyKey key, Invite? invite, CancellationToken cancellationToken);

    /// <summary>The booking created under <paramref name="key"/>, if any.</summary>
    Task<(Booking Booking, string Fingerprint)?> FindByRequestKeyAsync(IdempotencyKey key, CancellationToken cancellationToken);

    /// <summary>The booking, or null.</summary>
    Task<Booking?> GetAsync(string bookingId, CancellationToken cancellationToken);

    /// <summary>Bookings matching the query, ordered by (start, id).</summary>
    Task<IReadOnlyList<Booking>> ListAsync(BookingQuery query, CancellationToken cancellationToken);

    /// <summary>Stores a state change if the version is still <paramref name="expectedVersion"/>; releases claims when no longer active.</summary>
    /// <exception cref="DomainException">NOT_FOUND; ABORTED when the version moved on.</exception>
    Task<Booking> UpdateAsync(Booking updated, long expectedVersion, Invite? invite, CancellationToken cancellationToken);

    /// <summary>Moves an active booking: replaces its claims with <paramref name="claims"/> and stores it, in one atomic step.</summary>
    /// <exception cref="DomainException">SLOT_UNAVAILABLE or a cap reason (the booking is unchanged); ABORTED when the version moved on.</exception>
    Task<Booking> RescheduleAsync(Booking moved, long expectedVersion, BookingClaims claims, Invite? invite, CancellationToken cancellationToken);

    /// <summary>Every iCalendar message stored with the booking, oldest first.</summary>
    Task<IReadOnlyList<Invite>> ListInvitesAsync(string bookingId, CancellationToken cancellationToken);
}
