using Coaching.Domain.Common;

namespace Coaching.Domain.Events;

/// <summary>The event failures callers can cause, each reason code defined here once.</summary>
public static class EventErrors
{
    /// <summary>Only hosts of the event or admins may do this.</summary>
    public static DomainException HostOrAdminRequired(string action) =>
        new(ErrorKind.PermissionDenied, "HOST_OR_ADMIN_REQUIRED", $"Only the event's hosts or an admin may {action}.");

    /// <summary>A host tried to change a field only admins change.</summary>
    public static DomainException AdminOnlyField(string field) =>
        new(ErrorKind.PermissionDenied, "ADMIN_REQUIRED", $"Only admins may change {field}; hosts may change description, join_link, recording_link and mark the event held.");

    /// <summary>Marked held before it started, or from a state that cannot be held.</summary>
    public static DomainException NotHeldYet(string eventName, string message) => Fail.Precondition("EVENT_NOT_HELD_YET", message, eventName);

    /// <summary>A held event does not change any more except its recording and description.</summary>
    public static DomainException AlreadyHeld(string eventName) =>
        Fail.Precondition("EVENT_ALREADY_HELD", "The event was held; only its description and recording link change now.", eventName);
}
