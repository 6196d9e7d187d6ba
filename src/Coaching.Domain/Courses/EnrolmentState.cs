
namespace Coaching.Domain.Courses;

/// <summary>State of an enrolment.</summary>
public enum EnrolmentState
{
    /// <summary>Holds a seat.</summary>
    Enrolled = 1,

    /// <summary>Waiting in line for a seat.</summary>
    Waitlisted = 2,

    /// <summary>Left the cohort (or the cohort was cancelled).</summary>
    Withdrawn = 3,
}
