using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>One recorded state change: who, when, why (and, for a reschedule, from when and under which request id).</summary>
public sealed record BookingEvent(BookingState State, string Actor, Instant Time, string Reason, Instant? PreviousStart, string? RequestId = null);
