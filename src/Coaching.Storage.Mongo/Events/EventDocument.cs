using Coaching.Domain.Events;
using NodaTime;

namespace Coaching.Storage.Mongo.Events;

/// <summary>An event profile in <c>event_profiles</c>; the id is the event's cohort's.</summary>
public sealed class EventDocument
{
    public const string Collection = "event_profiles";

    public string Id { get; set; } = string.Empty;

    public int Kind { get; set; }

    public string Title { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    /// <summary>At most <see cref="EventProfile.MaxTopics"/>: the one array of the document, so it may lead a compound index.</summary>
    public List<string> Topics { get; set; } = [];

    public string JoinLink { get; set; } = string.Empty;

    public int Visibility { get; set; }

    public bool Unlimited { get; set; }

    public string RecordingLink { get; set; } = string.Empty;

    public DateTime? HeldTime { get; set; }

    /// <summary>True once held with a recording: what the recordings index is partial on.</summary>
    public bool Recorded { get; set; }

    public DateTime StartTime { get; set; }

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    public static EventDocument From(EventProfile p) => new()
    {
        Id = p.Id, Kind = (int)p.Kind, Title = p.Title, Description = p.Description, Topics = [.. p.Topics], JoinLink = p.JoinLink,
        Visibility = (int)p.Visibility, Unlimited = p.Unlimited, RecordingLink = p.RecordingLink, HeldTime = p.HeldTime?.ToDateTimeUtc(),
        Recorded = p.HeldTime is not null && p.RecordingLink.Length > 0, StartTime = p.Start.ToDateTimeUtc(), CreateTime = p.CreateTime.ToDateTimeUtc(),
        UpdateTime = p.UpdateTime.ToDateTimeUtc(), Version = p.Version,
    };

    public EventProfile ToDomain() => new()
    {
        Id = Id, Kind = (EventKind)Kind, Title = Title, Description = Description, Topics = Topics, JoinLink = JoinLink,
        Visibility = (EventVisibility)Visibility, Unlimited = Unlimited, RecordingLink = RecordingLink,
        HeldTime = HeldTime is { } held ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(held, DateTimeKind.Utc)) : null,
        Start = Instant.FromDateTimeUtc(DateTime.SpecifyKind(StartTime, DateTimeKind.Utc)),
        CreateTime = Instant.FromDateTimeUtc(DateTime.SpecifyKind(CreateTime, DateTimeKind.Utc)),
        UpdateTime = Instant.FromDateTimeUtc(DateTime.SpecifyKind(UpdateTime, DateTimeKind.Utc)), Version = Version,
    };
}
