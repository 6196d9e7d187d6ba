
namespace Coaching.Domain.Coaches;

/// <summary>Coach fields as given by a caller; on update, null means "leave unchanged".</summary>
public sealed record CoachDraft(
    string? DisplayName = null,
    string? Bio = null,
    string? Email = null,
    IReadOnlyList<string>? Specialties = null,
    string? TimeZoneId = null,
    bool? Active = null);
