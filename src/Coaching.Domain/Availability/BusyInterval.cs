using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// Time a coach is already committed: an active booking (session plus its buffers) or a cohort session
/// they teach. <see cref="OfferingId"/> is set for bookings, so per-offering caps can count them.
/// </summary>
/// <param name="Block">The blocked time, buffers included, <c>[Start, End)</c>.</param>
/// <param name="SessionStart">When the session itself starts (for counting it on a local day).</param>
/// <param name="OfferingId">The booking's offering, or null for other commitments.</param>
/// <param name="BookingId">The booking, or null for other commitments (lets a reschedule ignore its own time).</param>
/// <param name="External">True for time a coach's own calendar holds (as fresh as its last sync), not a commitment of this service.</param>
public sealed record BusyInterval(Interval Block, Instant SessionStart, string? OfferingId, string? BookingId = null, bool External = false);
