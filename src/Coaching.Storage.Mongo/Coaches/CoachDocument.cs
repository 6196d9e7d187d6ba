using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Storage.Mongo.Coaches;

/// <summary>A coach as stored in the <c>coaches</c> collection (class map in <see cref="MongoMappings"/>).</summary>
public sealed class CoachDocument
{
    /// <summary>Collection name.</summary>
    public const string Collection = "coaches";

    public string Id { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    public string Bio { get; set; } = string.Empty;

    public string Email { get; set; } = string.Empty;

    public List<string> Specialties { get; set; } = [];

    public string TimeZone { get; set; } = string.Empty;

    public bool Active { get; set; }

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public DateTime? DeleteTime { get; set; }

    public long Version { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public static CoachDocument From(Coach coach, IdempotencyKey? key) => new()
    {
        Id = coach.Id,
        DisplayName = coach.DisplayName,
        Bio = coach.Bio,
        Email = coach.Email,
        Specialties = [.. coach.Specialties],
        TimeZone = coach.TimeZoneId,
        Active = coach.Active,
        CreateTime = coach.CreateTime.ToDateTimeUtc(),
        UpdateTime = coach.UpdateTime.ToDateTimeUtc(),
        Version = coach.Version,
        RequestScope = key?.Scope,
        RequestId = key?.RequestId,
        RequestFingerprint = key?.Fingerprint,
    };

    public Coach ToDomain() => new()
    {
        Id = Id,
        DisplayName = DisplayName,
        Bio = Bio,
        Email = Email,
        Specialties = Specialties,
        TimeZoneId = TimeZone,
        Active = Active,
        CreateTime = Instant.FromDateTimeUtc(CreateTime),
        UpdateTime = Instant.FromDateTimeUtc(UpdateTime),
        Version = Version,
    };
}
