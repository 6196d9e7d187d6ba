
namespace Coaching.Domain.Courses;

/// <summary>Lifecycle of a cohort.</summary>
public enum CohortState
{
    /// <summary>Being prepared; only admins see it.</summary>
    Draft = 1,

    /// <summary>Accepting enrolments inside its window.</summary>
    Open = 2,

    /// <summary>No longer accepting enrolments.</summary>
    Closed = 3,

    /// <summary>Cancelled; final.</summary>
    Cancelled = 4,
}
