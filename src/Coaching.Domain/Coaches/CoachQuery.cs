
namespace Coaching.Domain.Coaches;

/// <summary>A coach list query.</summary>
/// <param name="Specialty">Normalised specialty to filter by, or null.</param>
/// <param name="IncludeInactive">Whether inactive coaches are included.</param>
/// <param name="AfterId">Cursor: only ids greater than this.</param>
/// <param name="Limit">Most rows to return.</param>
public sealed record CoachQuery(string? Specialty, bool IncludeInactive, string? AfterId, int Limit);
