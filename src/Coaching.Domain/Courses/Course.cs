using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>A course that runs in cohorts, e.g. the CV-development course. Invariants: title 1..200, 1..50 sessions, at most 20 outcomes.</summary>
public sealed record Course
{
    /// <summary>Identifier (a ULID).</summary>
    public required string Id { get; init; }

    /// <summary>The course title.</summary>
    public required string Title { get; init; }

    /// <summary>What the course is about.</summary>
    public required string Description { get; init; }

    /// <summary>What participants take away.</summary>
    public required IReadOnlyList<string> Outcomes { get; init; }

    /// <summary>How many sessions a cohort of it has.</summary>
    public required int SessionCount { get; init; }

    /// <summary>When it was created.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary>When it last changed.</summary>
    public required Instant UpdateTime { get; init; }

    /// <summary>Grows by one with every change; the etag.</summary>
    public required long Version { get; init; }

    /// <summary>The resource name.</summary>
    public string Name => ResourceNames.Course(Id);

    /// <summary>The etag.</summary>
    public string Etag => Etags.Of(Version);

    /// <summary>The course that holds every event's cohort (see <c>Events.EventDesk</c>); the course API does not show it.</summary>
    public const string EventsId = "events";

    /// <summary>Validates and builds a new course.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT naming each bad field.</exception>
    public static Course Create(string id, string? title, string? description, IReadOnlyList<string> outcomes, int sessionCount, Instant now)
    {
        var v = new Violations();
        v.SingleLine(title, "course.title", 1, 200);
        v.FreeText(description, "course.description", 5000);
        v.Require(outcomes.Count <= 20, "course.outcomes", "at most 20 outcomes");
        for (var i = 0; i < outcomes.Count; i++)
        {
            v.SingleLine(outcomes[i], $"course.outcomes[{i}]", 1, 300);
        }

        v.Require(sessionCount is >= 1 and <= 50, "course.session_count", "must be between 1 and 50");
        v.ThrowIfAny();
        return new Course
        {
            Id = id, Title = title!.Trim(), Description = description ?? string.Empty, Outcomes = [.. outcomes.Select(o => o.Trim())],
            SessionCount = sessionCount, CreateTime = now, UpdateTime = now, Version = 1,
        };
    }
}
