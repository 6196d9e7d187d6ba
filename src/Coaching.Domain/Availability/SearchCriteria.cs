using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>What a client searches for.</summary>
public sealed record SearchCriteria(
    string? Specialty,
    Duration? MinDuration,
    Duration? MaxDuration,
    Instant Start,
    Instant End,
    int SlotsPerOffering,
    int PageSize,
    string? PageToken);
