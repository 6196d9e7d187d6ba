using Coaching.Domain.Bookings;
using Coaching.Domain.Common;
using Coaching.Storage.Mongo.Bookings;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>The booking document and the atomic updates that carry the no-double-booking guarantee, without a server.</summary>
public class BookingMappingTests
{
    static BookingMappingTests() => MongoMappings.Register();

    private static readonly Instant Start = Instant.FromUtc(2026, 12, 7, 9, 0);

    internal static Booking Sample(BookingState state = BookingState.Confirmed) => new()
    {
        Id = "b1", CoachId = "c1", OfferingId = "o1", ClientId = "ann", Start = Start, End = Start + Duration.FromMinutes(60),
        BufferBefore = Duration.FromMinutes(10), BufferAfter = Duration.FromMinutes(5), CoachTimeZoneId = "Europe/London", Agenda = "CV", Title = "Career coaching", CoachName = "Ada", CoachEmail = "ada@example.org",
        ClientName = "Ann", ClientEmail = "ann@example.org", InviteSequence = 0,
        State = state, History = [new BookingEvent(state, "users/ann", Start - Duration.FromDays(1), "", null, "r1")],
        CreateTime = Start - Duration.FromDays(1), UpdateTime = Start - Duration.FromDays(1), Version = 1,
    };

    private static BsonDocument Render(UpdateDefinition<BookingDocument> update) =>
        update.Render(new RenderArgs<BookingDocument>(BsonSerializer.LookupSerializer<BookingDocument>(), BsonSerializer.SerializerRegistry)).AsBsonDocument;

    [Fact]
    public void Document_CarriesClaimsAndBlockedTime_AndRoundTrips()
    {
        var booking = Sample();
        var key = IdempotencyKey.Create("ann", "r1", true, "x")!;

        var bson = BookingDocument.From(booking, ["c1|1", "c1|2"], key).ToBsonDocument();
        var back = BsonSerializer.Deserialize<BookingDocument>(bson).ToDomain();

        Assert.Equal(new BsonArray { "c1|1", "c1|2" }, bson["claims"]);
        Assert.Equal((Start - Duration.FromMinutes(10)).ToDateTimeUtc(), bson["block_start"].ToUniversalTime());
        Assert.Equal((Start + Duration.FromMinutes(65)).ToDateTimeUtc(), bson["block_end"].ToUniversalTime());
        Assert.Equal("r1", bson["request_id"].AsString);
        Assert.Equal(booking with { History = [] }, back with { History = [] });
        Assert.Equal(booking.History, back.History);
    }

    [Fact]
    public void Document_WithoutClaims_OmitsTheField_SoThePartialUniqueIndexSkipsIt()
    {
        var bson = BookingDocument.From(Sample(BookingState.Cancelled), null, null).ToBsonDocument();

        Assert.False(bson.Contains("claims"));
        Assert.False(bson.Contains("request_id"));
    }

    [Theory]
    [InlineData(BookingState.Cancelled, true)]
    [InlineData(BookingState.Declined, true)]
    [InlineData(BookingState.Completed, true)]
    [InlineData(BookingState.Confirmed, false)]
    public void Transition_LeavingActiveStates_UnsetsClaimsInTheSameUpdate(BookingState state, bool releases)
    {
        var update = Render(BookingQueries.Transition(Sample(state) with { Version = 2 }, null));

        Assert.Equal(releases, update.Contains("$unset") && update["$unset"].AsBsonDocument.Contains("claims"));
        Assert.Equal((int)state, update["$set"]["state"].AsInt32);
        Assert.Equal(2L, update["$set"]["version"].AsInt64);
    }

    [Fact]
    public void Move_ReplacesClaimsAndTimesTogether()
    {
        var moved = Sample() with { Start = Start + Duration.FromHours(2), End = Start + Duration.FromHours(3), Version = 2 };

        var set = Render(BookingQueries.Move(moved, ["c1|9"], null))["$set"].AsBsonDocument;

        Assert.Equal(new BsonArray { "c1|9" }, set["claims"]);
        Assert.Equal(moved.Start.ToDateTimeUtc(), set["start_time"].ToUniversalTime());
        Assert.Equal(moved.BlockStart.ToDateTimeUtc(), set["block_start"].ToUniversalTime());
        Assert.Equal(2L, set["version"].AsInt64);
    }

    [Fact]
    public void BookingReads_SelectBookingsOnly_NotTheCohortsSharingTheCollection()
    {
        var args = new RenderArgs<BookingDocument>(BsonSerializer.LookupSerializer<BookingDocument>(), BsonSerializer.SerializerRegistry);
        var notCohort = BsonDocument.Parse("{ kind: { $exists: false } }");

        foreach (var filter in new[] { BookingQueries.ById("b1"), BookingQueries.AtVersion("b1", 3), BookingQueries.ByRequestKey("u", "r"),
            BookingQueries.List(new BookingQuery(null, null, [], null, null, null, 10)) })
        {
            var rendered = filter.Render(args);
            Assert.True(rendered.Contains("kind") || rendered.GetValue("$and", new BsonArray()).AsBsonArray.Contains(notCohort), rendered.ToString());
            Assert.Equal(BsonDocument.Parse("{ $exists: false }"), rendered.Contains("kind") ? rendered["kind"] : notCohort["kind"]);
        }

        // Conflict explanations look at every holder of a claim, cohorts included.
        Assert.DoesNotContain("kind", BookingQueries.Holding(["c1|1"]).Render(args).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Filter_Holding_ExcludesTheMovingBookingItself()
    {
        var filter = BookingQueries.Holding(["c1|1"], "b1")
            .Render(new RenderArgs<BookingDocument>(BsonSerializer.LookupSerializer<BookingDocument>(), BsonSerializer.SerializerRegistry));

        Assert.Equal(BsonDocument.Parse("{ claims: { $in: ['c1|1'] }, _id: { $ne: 'b1' } }"), filter);
    }
}
