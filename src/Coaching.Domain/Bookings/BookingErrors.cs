using Coaching.Domain.Common;

namespace Coaching.Domain.Bookings;

/// <summary>The booking failures callers can cause, with their reason codes.</summary>
public static class BookingErrors
{
    /// <summary>The time is held by another commitment of the coach.</summary>
    public static DomainException SlotUnavailable(string coachName) => Precondition("SLOT_UNAVAILABLE",
        "That time is no longer available; pick another slot.", coachName);

    /// <summary>The coach's own calendar (as of its last sync) has something at that time.</summary>
    public static DomainException CalendarBusy(string coachName) => Precondition("COACH_CALENDAR_BUSY",
        "The coach's own calendar has something at this time; choose another slot.", coachName);

    /// <summary>The start is not an open slot of the coach's hours.</summary>
    public static DomainException OutsideAvailability(string coachName) => Precondition("OUTSIDE_AVAILABILITY",
        "That start is not one of the coach's open slots (outside their hours or off the slot grid).", coachName);

    /// <summary>The start is sooner than the offering's minimum notice (or past).</summary>
    public static DomainException NoticeTooShort(string coachName) => Precondition("NOTICE_TOO_SHORT",
        "That start is sooner than the offering's minimum notice allows.", coachName);

    /// <summary>The start is further ahead than the offering's booking horizon.</summary>
    public static DomainException BeyondHorizon(string coachName) => Precondition("BEYOND_BOOKING_HORIZON",
        "That start is further ahead than the offering's booking horizon allows.", coachName);

    /// <summary>A daily or weekly cap of the offering is reached.</summary>
    public static DomainException LimitReached(string coachName) => Precondition("BOOKING_LIMIT_REACHED",
        "The offering's daily or weekly limit of sessions is reached for that time.", coachName);

    /// <summary>The client's cut-off for changing the booking has passed.</summary>
    public static DomainException CancellationWindowClosed(string bookingName) => Precondition("CANCELLATION_WINDOW_CLOSED",
        "It is too late to change this booking yourself; contact the coach.", bookingName);

    /// <summary>The booking's state does not allow the change.</summary>
    public static DomainException IllegalTransition(string bookingName, BookingState from, string action) => Precondition("INVALID_STATE_TRANSITION",
        $"A {from.ToString().ToUpperInvariant()} booking cannot be {action}.", bookingName);

    /// <summary>Attendance cannot be recorded before the session starts.</summary>
    public static DomainException NotStartedYet(string bookingName) => Precondition("SESSION_NOT_STARTED",
        "The session has not started yet.", bookingName);

    private static DomainException Precondition(string reason, string message, string resource) => Fail.Precondition(reason, message, resource);
}
