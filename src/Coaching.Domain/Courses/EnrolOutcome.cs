namespace Coaching.Domain.Courses;

/// <summary>What a store found or did for one enrolment request.</summary>
public abstract record EnrolOutcome
{
    private EnrolOutcome()
    {
    }

    /// <summary>A new enrolment was stored (enrolled or waitlisted).</summary>
    public sealed record Joined(Enrolment Enrolment) : EnrolOutcome;

    /// <summary>
    /// The key's request id was used before, with <paramref name="Fingerprint"/>, in any cohort. <paramref name="Original"/>
    /// is what that request created; null only when its content differs and it never completed.
    /// </summary>
    public sealed record RequestSeen(string Fingerprint, Enrolment? Original) : EnrolOutcome;

    /// <summary>The client already holds a live (enrolled or waitlisted) enrolment in the cohort.</summary>
    public sealed record AlreadyEnrolled(Enrolment Existing) : EnrolOutcome;

    /// <summary>No seat is free and <see cref="Cohort.MaxWaitlist"/> people already wait.</summary>
    public sealed record WaitlistFull : EnrolOutcome;

    /// <summary>The cohort is missing or not open.</summary>
    public sealed record NotOpen : EnrolOutcome;
}
