using Coaching.Domain.Availability;
using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>Availability and booking documents, indexes and filters, checked without a server.</summary>
public class AvailabilityMappingTests
{
    static AvailabilityMappingTests() => MongoMappings.Register();

    private static BsonDocument Render<T>(FilterDefinition<T> filter) =>
        filter.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    private static BsonDocument Keys<T>(CreateIndexModel<T> model) =>
        model.Keys.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    [Fact]
    public void Schedule_RoundTripsWithCompactWindows()
    {
        var schedule = new WeeklySchedule("c1", [new WeeklyWindow(IsoDayOfWeek.Sunday, new DayWindow(1320, 1440))],
            Instant.FromUtc(2026, 12, 1, 8, 0), 3);

        var bson = ScheduleDocument.From(schedule).ToBsonDocument();
        var back = BsonSerializer.Deserialize<ScheduleDocument>(bson).ToDomain();

        Assert.Equal(BsonDocument.Parse("{ day: 7, start: 1320, end: 1440 }"), bson["windows"][0].AsBsonDocument);
        Assert.Equal("c1", bson["_id"].AsString);
        Assert.Equal(schedule.Windows, back.Windows);
        Assert.Equal(schedule with { Windows = [] }, back with { Windows = [] });
    }

    [Fact]
    public void Override_RoundTripsWithIsoDates()
    {
        var o = new DateOverride
        {
            Id = "o1", CoachId = "c1", StartDate = new LocalDate(2026, 12, 24), EndDate = new LocalDate(2027, 1, 2),
            Kind = OverrideKind.ReplaceHours, Windows = [new DayWindow(600, 660)], Reason = "Holiday hours", CreateTime = Instant.FromUtc(2026, 12, 1, 0, 0),
        };

        var bson = OverrideDocument.From(o, null).ToBsonDocument();
        var back = BsonSerializer.Deserialize<OverrideDocument>(bson).ToDomain();

        Assert.Equal("2026-12-24", bson["start_date"].AsString);
        Assert.Equal(BsonDocument.Parse("{ start: 600, end: 660 }"), bson["windows"][0].AsBsonDocument);
        Assert.Equal(o with { Windows = [] }, back with { Windows = [] });
        Assert.Equal(o.Windows, back.Windows);
    }

    [Fact]
    public void Filter_OverridesCovering_IsDateRangeOverlap()
    {
        var filter = Render(AvailabilityQueries.OverridesCovering(["c1", "c2"], new LocalDate(2026, 12, 5), new LocalDate(2026, 12, 10)));

        Assert.Equal(BsonDocument.Parse("{ coach_id: { $in: ['c1', 'c2'] }, end_date: { $gte: '2026-12-05' }, start_date: { $lte: '2026-12-10' }, deleted: { $ne: true } }"), filter);
    }

    [Fact]
    public void Filter_OverridesAfterCursor_IsKeysetOnStartDateThenId()
    {
        var filter = Render(AvailabilityQueries.OverridesAfter("c1", new OverrideCursor(new LocalDate(2026, 12, 5), "o9")));

        Assert.Equal(BsonDocument.Parse(
            "{ coach_id: 'c1', deleted: { $ne: true }, $or: [ { start_date: { $gt: '2026-12-05' } }, { start_date: '2026-12-05', _id: { $gt: 'o9' } } ] }"), filter);
    }

    [Fact]
    public void Filter_ScheduleReplace_ChecksVersion()
    {
        Assert.Equal(BsonDocument.Parse("{ _id: 'c1', version: NumberLong(4) }"), Render(AvailabilityQueries.ScheduleAtVersion("c1", 4)));
    }

    [Fact]
    public void BookingIndexes_ClaimsUniqueOnlyWhereClaimsExist()
    {
        var claims = BookingQueries.Indexes.Single(i => i.Options.Name == "claims_unique");
        var partial = ((CreateIndexOptions<BookingDocument>)claims.Options).PartialFilterExpression;

        Assert.True(claims.Options.Unique);
        Assert.Equal(BsonDocument.Parse("{ claims: 1 }"), Keys(claims));
        Assert.Equal(BsonDocument.Parse("{ claims: { $exists: true } }"), Render(partial));
        Assert.Contains(BookingQueries.Indexes, i => Keys(i) == BsonDocument.Parse("{ coach_id: 1, block_start: 1 }"));
    }

    [Fact]
    public void Filter_Busy_UsesBoundedRangeOnBlockStart()
    {
        var start = Instant.FromUtc(2026, 12, 7, 0, 0);
        var end = Instant.FromUtc(2026, 12, 8, 0, 0);

        var filter = Render(BookingQueries.Busy(["c1"], start, end));

        Assert.Equal(new BsonArray { 1, 2 }, filter["state"]["$in"].AsBsonArray);
        Assert.Equal((start - Duration.FromHours(16)).ToDateTimeUtc(), filter["block_start"]["$gt"].ToUniversalTime());
        Assert.Equal(end.ToDateTimeUtc(), filter["block_start"]["$lt"].ToUniversalTime());
        Assert.Equal(start.ToDateTimeUtc(), filter["block_end"]["$gt"].ToUniversalTime());
    }
}
