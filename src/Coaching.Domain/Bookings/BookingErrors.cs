using Coaching.Domain.Common;

namespace Coaching.Domain.Bookings;

/// <summary>The booking failures callers can cause, with their reason codes.</summary>
public static class BookingErrors
{
    public static DomainException SlotUnavailable(string coachName) => Precondition("SLOT_UNAVAILABLE",
        "That time is no longer available; pick another slot.", coachName);

    public static DomainException OutsideAvailability(string coachName) => Precondition("OUTSIDE_AVAILABILITY",
        "That start is not one of the coach's open slots (outside their hours or off the slot grid).", coachName);

    public static DomainException NoticeTooShort(string coachName) => Precondition("NOTICE_TOO_SHORT",
        "That start is sooner than the offering's minimum notice allows.", coachName);

    public static DomainException BeyondHorizon(string coachName) => Precondition("BEYOND_BOOKING_HORIZON",
        "That start is further ahead than the offering's booking horizon allows.", coachName);

    public static DomainException LimitReached(string coachName) => Precondition("BOOKING_LIMIT_REACHED",
        "The offering's daily or weekly limit of sessions is reached for that time.", coachName);

    public static DomainException CancellationWindowClosed(string bookingName) => Precondition("CANCELLATION_WINDOW_CLOSED",
        "It is too late to change this booking yourself; contact the coach.", bookingName);

    public static DomainException IllegalTransition(string bookingName, BookingState from, string action) => Precondition("INVALID_STATE_TRANSITION",
        $"A {from.ToString().ToUpperInvariant()} booking cannot be {action}.", bookingName);

    public static DomainException NotStartedYet(string bookingName) => Precondition("SESSION_NOT_STARTED",
        "The session has not started yet.", bookingName);

    public static DomainException CoachInactive(string coachName) => Precondition("COACH_INACTIVE",
        "The coach does not take bookings at the moment.", coachName);

    private static DomainException Precondition(string reason, string message, string resource) => Fail.Precondition(reason, message, resource);
}
