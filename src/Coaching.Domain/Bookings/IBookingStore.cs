using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using Coaching.Domain.Outbox;

namespace Coaching.Domain.Bookings;

/// <summary>
/// Persistence of bookings. The store is where the guarantees live: a booking and its claims are written in
/// one atomic step (with what the change sends out: its iCalendar message, if any, and its outbox entry), no claim can be held twice (unique key), a state change is a version-conditional write
/// that releases the claims in the same step when the booking stops being active, and a reschedule swaps the
/// claims in one step so at no instant both or neither of the times are held.
/// </summary>
public interface IBookingStore
{
    /// <summary>
    /// Inserts an active booking with its claims: its cells, and the seat <see cref="ClaimKeys.PickSeats"/> picks in each cap family from the
    /// seats held at the moment of the write. Answers Stored, RequestSeen (the key was used before), SlotTaken or CapFull.
    /// </summary>
    Task<BookingWrite> CreateAsync(Booking booking, BookingClaims claims, IdempotencyKey key, Outgoing? outgoing, CancellationToken cancellationToken);

    /// <summary>The booking created under <paramref name="key"/>, if any.</summary>
    Task<(Booking Booking, string Fingerprint)?> FindByRequestKeyAsync(IdempotencyKey key, CancellationToken cancellationToken);

    /// <summary>The booking, or null.</summary>
    Task<Booking?> GetAsync(string bookingId, CancellationToken cancellationToken);

    /// <summary>Bookings matching the query, ordered by (start, id).</summary>
    Task<IReadOnlyList<Booking>> ListAsync(BookingQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a state change if the version is still <paramref name="expectedVersion"/>, releasing the claims when the booking stops being
    /// active. Answers Stored, Stale or Missing.
    /// </summary>
    Task<BookingWrite> UpdateAsync(Booking updated, long expectedVersion, Outgoing? outgoing, CancellationToken cancellationToken);

    /// <summary>
    /// Moves an active booking: replaces its claims with <paramref name="claims"/> and stores it, in one atomic step. Answers Stored,
    /// SlotTaken or CapFull (the booking is unchanged), Stale or Missing.
    /// </summary>
    Task<BookingWrite> RescheduleAsync(Booking moved, long expectedVersion, BookingClaims claims, Outgoing? outgoing, CancellationToken cancellationToken);

    /// <summary>Every iCalendar message stored with the booking, oldest first.</summary>
    Task<IReadOnlyList<Invite>> ListInvitesAsync(string bookingId, CancellationToken cancellationToken);
}
