using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// Time a coach is already committed: an active booking (session plus its buffers) or a cohort session
/// they teach. <see cref="OfferingId"/> is set for bookings, so per-offering caps can count them.
/// </summary>
/// <param name="Start">Start of the blocked time, buffers included.</param>
/// <param name="End">End of the blocked time, buffers included (exclusive).</param>
/// <param name="SessionStart">When the session itself starts (for counting it on a local day).</param>
/// <param name="OfferingId">The booking's offering, or null for other commitments.</param>
/// <param name="BookingId">The booking, or null for other commitments (lets a reschedule ignore its own time).</param>
public sealed record BusyInterval(Instant Start, Instant End, Instant SessionStart, string? OfferingId, string? BookingId = null);
