namespace Coaching.Domain.Courses;

/// <summary>An enrolment list query, ordered enrolled first, then the waitlist in order, then withdrawn.</summary>
public sealed record EnrolmentQuery(string? CohortId, string? ClientId, EnrolmentState? State, EnrolmentCursor? After, int Limit);
