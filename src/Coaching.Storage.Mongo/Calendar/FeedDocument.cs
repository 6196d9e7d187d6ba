using Coaching.Domain.Feeds;
using NodaTime;

namespace Coaching.Storage.Mongo.Calendar;

/// <summary>A feed in <c>feeds</c>; the id is the owner.</summary>
public sealed class FeedDocument
{
    public const string Collection = "feeds";

    public string Owner { get; set; } = string.Empty;

    public int Generation { get; set; }

    public string TokenHash { get; set; } = string.Empty;

    public DateTime RotateTime { get; set; }

    public static FeedDocument From(FeedRecord f) => new()
    {
        Owner = f.Owner, Generation = f.Generation, TokenHash = f.TokenHash, RotateTime = f.RotateTime.ToDateTimeUtc(),
    };

    public FeedRecord ToDomain() => new(Owner, Generation, TokenHash, Instant.FromDateTimeUtc(RotateTime));
}
