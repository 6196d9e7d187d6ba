using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using NodaTime;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>A course in <c>courses</c>.</summary>
public sealed class CourseDocument
{
    public const string Collection = "courses";

    public string Id { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    public List<string> Outcomes { get; set; } = [];

    public int SessionCount { get; set; }

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public static CourseDocument From(Course c, IdempotencyKey? key) => new()
    {
        Id = c.Id, Title = c.Title, Description = c.Description, Outcomes = [.. c.Outcomes], SessionCount = c.SessionCount,
        CreateTime = c.CreateTime.ToDateTimeUtc(), UpdateTime = c.UpdateTime.ToDateTimeUtc(), Version = c.Version,
        RequestScope = key?.Scope, RequestId = key?.RequestId, RequestFingerprint = key?.Fingerprint,
    };

    public Course ToDomain() => new()
    {
        Id = Id, Title = Title, Description = Description, Outcomes = Outcomes, SessionCount = SessionCount,
        CreateTime = Instant.FromDateTimeUtc(CreateTime), UpdateTime = Instant.FromDateTimeUtc(UpdateTime), Version = Version,
    };
}
