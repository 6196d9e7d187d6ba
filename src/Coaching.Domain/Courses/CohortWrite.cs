namespace Coaching.Domain.Courses;

/// <summary>What a store did with a cohort create or update; the use case turns refusals into errors.</summary>
public abstract record CohortWrite
{
    private CohortWrite()
    {
    }

    /// <summary>The cohort as stored (with live counts).</summary>
    public sealed record Stored(Cohort Cohort) : CohortWrite;

    /// <summary>The create's request key was used before: the original and the fingerprint stored with it.</summary>
    public sealed record RequestSeen(Cohort Original, string Fingerprint) : CohortWrite;

    /// <summary>A session overlaps another commitment of a teaching coach (refused by the claims' uniqueness); nothing changed.</summary>
    public sealed record SessionConflict : CohortWrite;

    /// <summary>The update's capacity is below the people enrolled at the moment of the write; nothing changed.</summary>
    public sealed record CapacityBelowEnrolment(int Enrolled) : CohortWrite;

    /// <summary>The cohort is at another version than expected; nothing changed.</summary>
    public sealed record Stale : CohortWrite;

    /// <summary>There is no such cohort.</summary>
    public sealed record Missing : CohortWrite;
}
