using Coaching.Domain.Common;
using NodaTime;

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

/// <summary>
/// A client's place in a cohort. <see cref="Arrival"/> is the order in which the store accepted the request
/// (the waitlist is FIFO on it); <see cref="WaitlistPosition"/> is 1-based while waitlisted and 0 otherwise.
/// </summary>
public sealed record Enrolment
{
    public required string Id { get; init; }

    public required string CourseId { get; init; }

    public required string CohortId { get; init; }

    public required string ClientId { get; init; }

    /// <summary>The client's name when they enrolled (from their token), or the client id.</summary>
    public string ClientName { get; init; } = string.Empty;

    /// <summary>The client's e-mail when they enrolled (from their token); empty when unknown.</summary>
    public string ClientEmail { get; init; } = string.Empty;

    public required EnrolmentState State { get; init; }

    public required long Arrival { get; init; }

    public required int WaitlistPosition { get; init; }

    public required Instant CreateTime { get; init; }

    public required Instant UpdateTime { get; init; }

    public required long Version { get; init; }

    public string Name => ResourceNames.Enrolment(CourseId, CohortId, Id);

    public string Etag => Etags.Of(Version);
}
