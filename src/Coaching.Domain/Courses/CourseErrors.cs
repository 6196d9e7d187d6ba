using Coaching.Domain.Common;

namespace Coaching.Domain.Courses;

/// <summary>The course, cohort and enrolment failures callers can cause, each reason code defined here once.</summary>
public static class CourseErrors
{
    /// <summary>The cohort is cancelled: nothing about it changes any more.</summary>
    public static DomainException CohortCancelled(string cohortName, string message) => Fail.Precondition("COHORT_CANCELLED", message, cohortName);

    /// <summary>The cohort does not take enrolments (a draft or closed).</summary>
    public static DomainException CohortNotOpen(string cohortName) =>
        Fail.Precondition("COHORT_NOT_OPEN", "The cohort is not open for enrolment.", cohortName);

    /// <summary>Every seat is taken and the waitlist is full.</summary>
    public static DomainException WaitlistFull(string cohortName) => Fail.Precondition("WAITLIST_FULL",
        $"Every seat is taken and {Cohort.MaxWaitlist} people are already waiting; the waitlist is full.", cohortName);

    /// <summary>The enrolment window has not opened.</summary>
    public static DomainException EnrolmentNotOpenYet(string cohortName) =>
        Fail.Precondition("ENROLMENT_NOT_OPEN_YET", "Enrolment for this cohort has not opened yet.", cohortName);

    /// <summary>The enrolment window has closed.</summary>
    public static DomainException EnrolmentClosed(string cohortName) =>
        Fail.Precondition("ENROLMENT_CLOSED", "Enrolment for this cohort has closed.", cohortName);

    /// <summary>A capacity below the people already enrolled.</summary>
    public static DomainException CapacityBelowEnrolment(string cohortName, int enrolled) =>
        Fail.Precondition("CAPACITY_BELOW_ENROLMENT", $"{enrolled} people are enrolled; capacity cannot go below that.", cohortName);

    /// <summary>The enrolment was withdrawn before.</summary>
    public static DomainException AlreadyWithdrawn(string enrolmentName) =>
        Fail.Precondition("ALREADY_WITHDRAWN", "This enrolment is already withdrawn.", enrolmentName);

    /// <summary>A session of the cohort overlaps another commitment of one of its teaching coaches.</summary>
    public static DomainException SessionConflict(string cohortName, string? coachId = null) => Fail.Precondition("COACH_SESSION_CONFLICT",
        (coachId is null ? "A teaching coach" : $"Coach '{Text.Excerpt(coachId)}'") +
        " already has a commitment (a booking or another cohort's session) that overlaps a session of this cohort; move or cancel it first.",
        cohortName);

    /// <summary>The cohort's enrolment is changing faster than a request could be applied.</summary>
    public static DomainException Contention(string cohortName, string message) =>
        new(ErrorKind.Aborted, "CONTENTION", message, metadata: new Dictionary<string, string> { ["resource"] = cohortName });
}
