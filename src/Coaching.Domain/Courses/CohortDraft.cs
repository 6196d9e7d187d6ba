using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>Cohort fields as sent; on update, null means "leave unchanged".</summary>
public sealed record CohortDraft(
    string? DisplayName = null,
    string? TimeZoneId = null,
    IReadOnlyList<CohortSession>? Sessions = null,
    IReadOnlyList<string>? CoachIds = null,
    int? Capacity = null,
    Instant? EnrolmentOpen = null,
    Instant? EnrolmentClose = null,
    CohortState? State = null);
