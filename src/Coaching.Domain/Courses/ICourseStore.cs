using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>A cohort session a coach teaches; <paramref name="Index"/> is its 0-based place in the cohort's schedule.</summary>
public sealed record TeachingSession(string CoachId, string CourseId, string CohortId, int Index, CohortSession Session);

/// <summary>An enrolment list query, ordered enrolled first, then the waitlist in order, then withdrawn.</summary>
public sealed record EnrolmentQuery(string? CohortId, string? ClientId, EnrolmentState? State, string? AfterKey, int Limit);

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

    /// <summary>The cohort is missing or not open.</summary>
    public sealed record NotOpen : EnrolOutcome;
}

/// <summary>
/// Persistence of courses, cohorts and enrolments. The store owns the cohort guarantees: enrolled ≤ capacity at every
/// instant, a FIFO waitlist in the order the store accepted requests, at most one live enrolment per client and
/// cohort, and promotion of the first waitlisted person in the same atomic write as the withdrawal (or capacity
/// raise) that frees the seat.
/// </summary>
public interface ICourseStore
{
    Task<CreateResult<Course>> CreateCourseAsync(Course course, IdempotencyKey? key, CancellationToken cancellationToken);

    Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Course>> ListCoursesAsync(string? afterId, int limit, CancellationToken cancellationToken);

    Task<CreateResult<Cohort>> CreateCohortAsync(Cohort cohort, IdempotencyKey? key, CancellationToken cancellationToken);

    /// <summary>The cohort with live counts, or null.</summary>
    Task<Cohort?> GetCohortAsync(string courseId, string cohortId, CancellationToken cancellationToken);

    /// <summary>Cohorts (of one course, or all when null) ordered by id.</summary>
    Task<IReadOnlyList<Cohort>> ListCohortsAsync(string? courseId, CohortState? state, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Stores changed cohort fields if the version is still <paramref name="expectedVersion"/>; when the capacity grows, waitlisted
    /// people are promoted in order in the same write; a capacity below the current enrolment is refused.
    /// </summary>
    /// <exception cref="DomainException">ABORTED; NOT_FOUND; FAILED_PRECONDITION CAPACITY_BELOW_ENROLMENT.</exception>
    Task<Cohort> UpdateCohortAsync(Cohort updated, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Enrols the candidate atomically: ENROLLED while seats remain, otherwise WAITLISTED at the end of the line. The key's
    /// (scope, request id) is looked up across every cohort first, then the client's live enrolment in this cohort; the
    /// store reports what it found and never decides what that means for the caller.
    /// </summary>
    Task<EnrolOutcome> EnrolAsync(Enrolment candidate, IdempotencyKey key, CancellationToken cancellationToken);

    Task<Enrolment?> GetEnrolmentAsync(string courseId, string cohortId, string enrolmentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Enrolment>> ListEnrolmentsAsync(EnrolmentQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Withdraws a live enrolment; if it held a seat, the first waitlisted person is promoted in the same atomic write.
    /// </summary>
    /// <returns>The withdrawn enrolment and the promoted one, if any.</returns>
    /// <exception cref="DomainException">NOT_FOUND; FAILED_PRECONDITION when already withdrawn; ABORTED on a stale version.</exception>
    Task<(Enrolment Withdrawn, Enrolment? Promoted)> WithdrawAsync(Enrolment enrolment, long expectedVersion, Instant now, CancellationToken cancellationToken);

    /// <summary>Sessions of live (not cancelled) cohorts taught by the given coaches that overlap <c>[rangeStart, rangeEnd)</c>.</summary>
    Task<IReadOnlyList<TeachingSession>> ListTeachingAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart,
        Instant rangeEnd, CancellationToken cancellationToken);
}
