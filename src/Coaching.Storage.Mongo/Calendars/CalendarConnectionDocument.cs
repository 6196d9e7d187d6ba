using Coaching.Domain.ExternalCalendars;
using NodaTime;

namespace Coaching.Storage.Mongo.Calendars;

/// <summary>
/// A calendar connection in <c>calendar_connections</c>. <see cref="BusyGeneration"/> names the set of <c>external_busy</c> buckets
/// that is its busy time (0 for a copied one, then a random number per sync): a sync writes a new generation, then switches to it
/// in the lease-conditional update that records the sync, then removes every other; readers read only the generation it names.
/// </summary>
public sealed class CalendarConnectionDocument
{
    public const string Collection = "calendar_connections";

    public string Id { get; set; } = string.Empty;

    public string CoachId { get; set; } = string.Empty;

    public int Source { get; set; }

    public byte[] SealedUrl { get; set; } = [];

    public byte[]? SealedCredentials { get; set; }

    public string UrlHint { get; set; } = string.Empty;

    public int Health { get; set; }

    public DateTime? LastAttemptTime { get; set; }

    public DateTime? LastSuccessTime { get; set; }

    public int EventCount { get; set; }

    public int BusyCount { get; set; }

    public string LastError { get; set; } = string.Empty;

    public string Validator { get; set; } = string.Empty;

    public DateTime NextSyncTime { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }

    public DateTime CreateTime { get; set; }

    public long BusyGeneration { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public static CalendarConnectionDocument From(CalendarConnection c, Domain.Common.IdempotencyKey? key) => new()
    {
        Id = c.Id, CoachId = c.CoachId, Source = (int)c.Source, SealedUrl = c.SealedUrl, SealedCredentials = c.SealedCredentials, UrlHint = c.UrlHint, Health = (int)c.Health,
        LastAttemptTime = c.LastAttemptTime?.ToDateTimeUtc(), LastSuccessTime = c.LastSuccessTime?.ToDateTimeUtc(), EventCount = c.EventCount,
        BusyCount = c.BusyCount, LastError = c.LastError, Validator = c.Validator, NextSyncTime = c.NextSyncTime.ToDateTimeUtc(),
        CreateTime = c.CreateTime.ToDateTimeUtc(), RequestScope = key?.Scope, RequestId = key?.RequestId, RequestFingerprint = key?.Fingerprint,
    };

    public CalendarConnection ToDomain() => new()
    {
        Id = Id, CoachId = CoachId, Source = (CalendarSource)Source, SealedUrl = SealedUrl, SealedCredentials = SealedCredentials, UrlHint = UrlHint, Health = (ConnectionHealth)Health,
        LastAttemptTime = At(LastAttemptTime), LastSuccessTime = At(LastSuccessTime), EventCount = EventCount, BusyCount = BusyCount, LastError = LastError,
        Validator = Validator, NextSyncTime = At(NextSyncTime)!.Value, LeaseOwner = LeaseOwner, LeaseUntil = At(LeaseUntil), CreateTime = At(CreateTime)!.Value,
    };

    private static Instant? At(DateTime? t) => t is { } v ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}

/// <summary>One month of one connection's busy time in <c>external_busy</c> (intervals split at month boundaries).</summary>
public sealed class BusyBucketDocument
{
    public const string Collection = "external_busy";

    public string Id { get; set; } = string.Empty;

    public string ConnectionId { get; set; } = string.Empty;

    public string CoachId { get; set; } = string.Empty;

    public long Generation { get; set; }

    public DateTime Month { get; set; }

    /// <summary>[start, end) pairs in Unix milliseconds, at most a month's worth of one calendar.</summary>
    public List<long[]> Intervals { get; set; } = [];

    /// <summary>The buckets of <paramref name="busy"/>: each interval split at month boundaries and filed under its month.</summary>
    public static List<BusyBucketDocument> Of(string connectionId, string coachId, long generation, IEnumerable<Interval> busy)
    {
        var buckets = new Dictionary<DateTime, BusyBucketDocument>();
        foreach (var interval in busy)
        {
            var start = interval.Start;
            while (start < interval.End)
            {
                var utc = start.ToDateTimeUtc();
                var month = new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc);
                var next = Instant.FromDateTimeUtc(month.AddMonths(1));
                var end = Instant.Min(next, interval.End);
                if (!buckets.TryGetValue(month, out var bucket))
                {
                    buckets[month] = bucket = new BusyBucketDocument
                    {
                        Id = $"{connectionId}:{generation}:{month:yyyy-MM}", ConnectionId = connectionId, CoachId = coachId, Generation = generation, Month = month,
                    };
                }

                bucket.Intervals.Add([start.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds()]);
                start = end;
            }
        }

        return [.. buckets.Values];
    }
}
