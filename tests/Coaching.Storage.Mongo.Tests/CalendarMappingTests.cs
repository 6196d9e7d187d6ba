using Coaching.Storage.Mongo.Calendars;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>External busy time in MongoDB, checked without a server: month buckets and the lease-conditional record.</summary>
public class CalendarMappingTests
{
    static CalendarMappingTests() => MongoMappings.Register();

    [Fact]
    public void BusyTime_IsFiledByMonth_SplittingStretchesThatCrossOne_AndRoundTrips()
    {
        var across = new Interval(Instant.FromUtc(2027, 1, 31, 22, 0), Instant.FromUtc(2027, 2, 1, 2, 0));
        var inside = new Interval(Instant.FromUtc(2027, 2, 10, 9, 0), Instant.FromUtc(2027, 2, 10, 10, 0));

        var buckets = BusyBucketDocument.Of("k1", "c1", 3, [across, inside]);
        var back = buckets.Select(b => BsonSerializer.Deserialize<BusyBucketDocument>(b.ToBsonDocument())).ToList();

        Assert.Equal(["k1:3:2027-01", "k1:3:2027-02"], back.Select(b => b.Id).Order(StringComparer.Ordinal));
        var january = back.Single(b => b.Month.Month == 1);
        var february = back.Single(b => b.Month.Month == 2);
        Assert.Equal([[across.Start.ToUnixTimeMilliseconds(), Instant.FromUtc(2027, 2, 1, 0, 0).ToUnixTimeMilliseconds()]], january.Intervals);
        Assert.Equal(2, february.Intervals.Count);
        Assert.Equal(Instant.FromUtc(2027, 2, 1, 0, 0).ToUnixTimeMilliseconds(), february.Intervals[0][0]);
        Assert.All(back, b => Assert.Equal((3L, "c1"), (b.Generation, b.CoachId)));
    }

    [Fact]
    public void Record_SwitchesToTheNewGeneration_AndFreesTheLease_InOneUpdate()
    {
        var synced = new Domain.ExternalCalendars.CalendarConnection
        {
            Id = "k1", CoachId = "c1", Source = Domain.ExternalCalendars.CalendarSource.Ics, SealedUrl = [1], UrlHint = "https://x/…",
            Health = Domain.ExternalCalendars.ConnectionHealth.Healthy, LastAttemptTime = Instant.FromUtc(2027, 1, 1, 0, 0), LastSuccessTime = Instant.FromUtc(2027, 1, 1, 0, 0),
            EventCount = 4, BusyCount = 3, LastError = string.Empty, Validator = "\"e\"", NextSyncTime = Instant.FromUtc(2027, 1, 1, 0, 10),
            CreateTime = Instant.FromUtc(2026, 12, 1, 0, 0),
        };

        var update = MongoCalendarConnectionStore.Record(synced, 7)
            .Render(new RenderArgs<CalendarConnectionDocument>(BsonSerializer.LookupSerializer<CalendarConnectionDocument>(), BsonSerializer.SerializerRegistry)).AsBsonDocument;

        Assert.Equal(7L, update["$set"]["busy_generation"].AsInt64);
        Assert.Equal(BsonNull.Value, update["$set"]["lease_owner"]);
        Assert.Equal(BsonNull.Value, update["$set"]["lease_until"]);
        Assert.Equal("\"e\"", update["$set"]["validator"].AsString);
        Assert.False(update["$set"].AsBsonDocument.Contains("sealed_url")); // a sync never rewrites the URL
    }
}
