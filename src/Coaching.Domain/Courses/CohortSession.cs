using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>One scheduled session of a cohort.</summary>
public sealed record CohortSession(Instant Start, Duration Duration, string Title)
{
    /// <summary>End of the session.</summary>
    public Instant End => Start + Duration;
}
