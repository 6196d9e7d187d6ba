using Coaching.Domain.Courses;
using NodaTime;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>A cohort session inside a cohort document.</summary>
public sealed class SessionDocument
{
    public DateTime Start { get; set; }

    public DateTime End { get; set; }

    public string Title { get; set; } = string.Empty;

    public static SessionDocument From(CohortSession s) => new() { Start = s.Start.ToDateTimeUtc(), End = s.End.ToDateTimeUtc(), Title = s.Title };

    public CohortSession ToDomain() => new(Instant.FromDateTimeUtc(Start), Instant.FromDateTimeUtc(End) - Instant.FromDateTimeUtc(Start), Title);
}
