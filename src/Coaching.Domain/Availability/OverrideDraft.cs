
namespace Coaching.Domain.Availability;

/// <summary>A date override as requested.</summary>
public sealed record OverrideDraft(
    (int Year, int Month, int Day)? StartDate,
    (int Year, int Month, int Day)? EndDate,
    OverrideKind Kind,
    IReadOnlyList<(int StartH, int StartM, int EndH, int EndM)> Windows,
    string? Reason);
