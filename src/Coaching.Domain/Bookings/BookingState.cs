
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
