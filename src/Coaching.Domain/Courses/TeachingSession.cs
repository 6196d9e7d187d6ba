namespace Coaching.Domain.Courses;

/// <summary>A cohort session a coach teaches; <paramref name="Index"/> is its 0-based place in the cohort's schedule.</summary>
public sealed record TeachingSession(string CoachId, string CourseId, string CohortId, int Index, CohortSession Session);
