using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>
/// Persistence of courses, cohorts and enrolments. The store owns the cohort guarantees: enrolled ≤ capacity at every
/// instant, a FIFO waitlist in the order the store accepted requests, at most one live enrolment per client and
/// cohort, and promotion of the first waitlisted person in the same atomic write as the withdrawal (or capacity
/// raise) that frees the seat.
/// </summary>
public interface ICourseStore
{
    /// <summary>Inserts a course; a request key used before returns the original.</summary>
    Task<CreateResult<Course>> CreateCourseAsync(Course course, IdempotencyKey? key, CancellationToken cancellationToken);

    /// <summary>The course, or null.</summary>
    Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken);

    /// <summary>The courses among <paramref name="courseIds"/>, in one query (unknown ids are absent).</summary>
    Task<IReadOnlyList<Course>> GetCoursesAsync(IReadOnlyCollection<string> courseIds, CancellationToken cancellationToken);

    /// <summary>Courses ordered by id, after the cursor.</summary>
    Task<IReadOnlyList<Course>> ListCoursesAsync(string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Inserts a cohort with its sessions' claims; a request key used before reports the original instead.</summary>
    Task<CohortWrite> CreateCohortAsync(Cohort cohort, IdempotencyKey? key, CancellationToken cancellationToken);

    /// <summary>The cohort with live counts, or null.</summary>
    Task<Cohort?> GetCohortAsync(string courseId, string cohortId, CancellationToken cancellationToken);

    /// <summary>The cohorts among <paramref name="cohortIds"/> with live counts, in one query (unknown ids are absent).</summary>
    Task<IReadOnlyList<Cohort>> GetCohortsAsync(IReadOnlyCollection<string> cohortIds, CancellationToken cancellationToken);

    /// <summary>Cohorts (of one course, or all when null) ordered by id.</summary>
    Task<IReadOnlyList<Cohort>> ListCohortsAsync(string? courseId, CohortState? state, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Stores changed cohort fields if the version is still <paramref name="expectedVersion"/>; when the capacity grows, waitlisted
    /// people are promoted in order in the same write; the sessions' claims are replaced in the same write. The write records
    /// <paramref name="changed"/> and, for each person promoted, the <c>enrolment.promoted</c> entry <paramref name="announce"/> makes.
    /// An event's profile (<see cref="Cohort.Event"/>) is stored in the same write; a cohort without one keeps the profile stored.
    /// </summary>
    Task<CohortWrite> UpdateCohortAsync(Cohort updated, long expectedVersion, OutboxEntry changed, Announce<Enrolment> announce,
        CancellationToken cancellationToken);

    /// <summary>
    /// Enrols the candidate atomically: ENROLLED while seats remain, otherwise WAITLISTED at the end of the line. The key's
    /// (scope, request id) is looked up across every cohort first, then the client's live enrolment in this cohort; the
    /// store reports what it found and never decides what that means for the caller. A new enrolment records the
    /// <c>enrolment.enrolled</c> or <c>enrolment.waitlisted</c> entry <paramref name="announce"/> makes, in the same write.
    /// </summary>
    Task<EnrolOutcome> EnrolAsync(Enrolment candidate, IdempotencyKey key, Announce<Enrolment> announce, CancellationToken cancellationToken);

    /// <summary>The enrolment, or null.</summary>
    Task<Enrolment?> GetEnrolmentAsync(string courseId, string cohortId, string enrolmentId, CancellationToken cancellationToken);

    /// <summary>Enrolments matching the query, in its order.</summary>
    Task<IReadOnlyList<Enrolment>> ListEnrolmentsAsync(EnrolmentQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Withdraws a live enrolment at <paramref name="expectedVersion"/>; if it held a seat, the first waitlisted person is promoted in
    /// the same atomic write, which also records the <c>enrolment.withdrawn</c> and <c>enrolment.promoted</c> entries <paramref name="announce"/> makes.
    /// </summary>
    Task<WithdrawOutcome> WithdrawAsync(Enrolment enrolment, long expectedVersion, Instant now, Announce<Enrolment> announce,
        CancellationToken cancellationToken);

    /// <summary>Sessions of live (not cancelled) cohorts taught by the given coaches that overlap <c>[rangeStart, rangeEnd)</c>.</summary>
    Task<IReadOnlyList<TeachingSession>> ListTeachingAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart,
        Instant rangeEnd, CancellationToken cancellationToken);
}
