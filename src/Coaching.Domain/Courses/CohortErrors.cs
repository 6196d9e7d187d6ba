using Coaching.Domain.Common;

namespace Coaching.Domain.Courses;

/// <summary>The cohort failures stores and use cases share, each reason defined once.</summary>
public static class CohortErrors
{
    /// <summary>A session of the cohort overlaps another commitment of one of its teaching coaches.</summary>
    public static DomainException SessionConflict(string cohortName) => Fail.Precondition("COACH_SESSION_CONFLICT",
        "A teaching coach already has a commitment (a booking or another cohort's session) that overlaps a session of this cohort; " +
        "move or cancel it first.", cohortName);
}
