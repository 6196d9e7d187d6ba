using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>
/// A client's place in a cohort. <see cref="Arrival"/> is the order in which the store accepted the request
/// (the waitlist is FIFO on it); <see cref="WaitlistPosition"/> is 1-based while waitlisted and 0 otherwise.
/// </summary>
public sealed record Enrolment
{
    /// <summary>Identifier (a ULID).</summary>
    public required string Id { get; init; }

    /// <summary>The course.</summary>
    public required string CourseId { get; init; }

    /// <summary>The cohort.</summary>
    public required string CohortId { get; init; }

    /// <summary>The person enrolled (a user id).</summary>
    public required string ClientId { get; init; }

    /// <summary>The client's name when they enrolled (from their token), or the client id.</summary>
    public string ClientName { get; init; } = string.Empty;

    /// <summary>The client's e-mail when they enrolled (from their token); empty when unknown.</summary>
    public string ClientEmail { get; init; } = string.Empty;

    /// <summary>Seated, waiting or withdrawn.</summary>
    public required EnrolmentState State { get; init; }

    /// <summary>The order in which the store accepted the request (the waitlist order).</summary>
    public required long Arrival { get; init; }

    /// <summary>Place in line from 1 while waiting, else 0.</summary>
    public required int WaitlistPosition { get; init; }

    /// <summary>When the store accepted it.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary>When it last changed, in the order the cohort's writes committed.</summary>
    public required Instant UpdateTime { get; init; }

    /// <summary>Grows by one with every change; the etag.</summary>
    public required long Version { get; init; }

    /// <summary>The resource name.</summary>
    public string Name => ResourceNames.Enrolment(CourseId, CohortId, Id);

    /// <summary>The etag.</summary>
    public string Etag => Etags.Of(Version);
}
