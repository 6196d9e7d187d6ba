using NodaTime;

namespace Coaching.Domain.Events;

/// <summary>Event fields as sent; on update, null means "leave unchanged". A capacity of 0 means unlimited.</summary>
public sealed record EventDraft(
    string? Title = null,
    string? Description = null,
    IReadOnlyList<string>? Topics = null,
    EventKind? Kind = null,
    IReadOnlyList<string>? HostIds = null,
    Instant? Start = null,
    Duration? Duration = null,
    string? TimeZoneId = null,
    string? JoinLink = null,
    int? Capacity = null,
    Instant? RegistrationOpen = null,
    Instant? RegistrationClose = null,
    EventState? State = null,
    EventVisibility? Visibility = null,
    string? RecordingLink = null);
