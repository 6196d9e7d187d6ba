using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Storage.Mongo.Courses;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>The cohort document and its single-document atomic updates, checked without a server.</summary>
public class CourseMappingTests
{
    static CourseMappingTests() => MongoMappings.Register();

    private static readonly Instant Now = Instant.FromUtc(2026, 12, 1, 9, 0);

    private static BsonDocument Render(FilterDefinition<CohortDocument> filter) =>
        filter.Render(new RenderArgs<CohortDocument>(BsonSerializer.LookupSerializer<CohortDocument>(), BsonSerializer.SerializerRegistry));

    private static BsonDocument Stage(PipelineDefinition<CohortDocument, CohortDocument> pipeline) =>
        pipeline.Render(new RenderArgs<CohortDocument>(BsonSerializer.LookupSerializer<CohortDocument>(), BsonSerializer.SerializerRegistry)).Documents.Single();

    private static EntryDocument Entry(string id, string client, long arrival) => new()
    {
        Id = id, Client = client, Arrival = arrival, CreateTime = Now.ToDateTimeUtc(), UpdateTime = Now.ToDateTimeUtc(), Version = 1,
    };

    private static Enrolment Candidate(string client) => new()
    {
        Id = "e9", CourseId = "k1", CohortId = "h1", ClientId = client, State = EnrolmentState.Enrolled, Arrival = 0, WaitlistPosition = 0,
        CreateTime = Now, UpdateTime = Now, Version = 1,
    };

    [Fact]
    public void EnrolmentRequest_IsKeyedByScopeAndRequestIdAcrossCohorts()
    {
        var key = IdempotencyKey.Create("client-1", "req-7", true, "k1", "h1", "client-1")!;
        var document = new EnrolmentRequestDocument
        {
            Id = EnrolmentRequestDocument.KeyOf(key), Fingerprint = key.Fingerprint, CourseId = "k1", CohortId = "h1", EnrolmentId = "e9",
            CreateTime = Now.ToDateTimeUtc(),
        };

        var bson = document.ToBsonDocument();

        Assert.Equal(["_id", "fingerprint", "course_id", "cohort_id", "enrolment_id", "create_time"], bson.Names);
        Assert.Equal("client-1\nreq-7", bson["_id"].AsString);
        Assert.NotEqual(EnrolmentRequestDocument.KeyOf(IdempotencyKey.Create("client-2", "req-7", true)!), bson["_id"].AsString);
        Assert.Equal("e9", BsonSerializer.Deserialize<EnrolmentRequestDocument>(bson).EnrolmentId);
    }

    [Fact]
    public void CohortDocument_ListsEnrolledThenWaitlistInLineOrderThenWithdrawn()
    {
        var document = new CohortDocument
        {
            Id = "h1", CourseId = "k1", Capacity = 2,
            Enrolled = [Entry("e2", "b", 2), Entry("e1", "a", 1)],
            Waitlist = [Entry("e3", "c", 3), Entry("e5", "e", 5)],
            Withdrawn = [Entry("e4", "d", 4)],
        };

        var round = BsonSerializer.Deserialize<CohortDocument>(document.ToBsonDocument());
        var enrolments = round.Enrolments().ToList();

        Assert.Equal(["e1", "e2", "e3", "e5", "e4"], enrolments.Select(e => e.Id));
        Assert.Equal([0, 0, 1, 2, 0], enrolments.Select(e => e.WaitlistPosition));
        Assert.Equal((2, 2), (round.ToDomain().EnrolledCount, round.ToDomain().WaitlistCount));
        Assert.Equal("client", document.ToBsonDocument()["enrolled"][0].AsBsonDocument.GetElement(1).Name);
    }

    [Theory]
    [InlineData(false, "$lt")]
    [InlineData(true, "$gte")]
    public void CanJoin_ChecksOpenAbsentAndSeatsInTheSameFilter(bool toWaitlist, string comparison)
    {
        var filter = Render(CohortUpdates.CanJoin("h1", "ann", toWaitlist));

        Assert.Equal("h1", filter["_id"].AsString);
        Assert.Equal((int)CohortState.Open, filter["state"].AsInt32);
        Assert.Equal(BsonDocument.Parse("{ $not: { $elemMatch: { client: 'ann' } } }"), filter["enrolled"].AsBsonDocument);
        Assert.Equal(BsonDocument.Parse("{ $not: { $elemMatch: { client: 'ann' } } }"), filter["waitlist"].AsBsonDocument);
        Assert.Equal(BsonDocument.Parse($"{{ {comparison}: [ {{ $size: '$enrolled' }}, '$capacity' ] }}"), filter["$expr"].AsBsonDocument);
    }

    [Fact]
    public void Join_StampsArrivalFromTheCounter_AndTreatsClientTextAsLiteral()
    {
        var key = IdempotencyKey.Create("u", "r1", true, "x")!;

        var set = Stage(CohortUpdates.Join(Candidate("$where"), key, toWaitlist: true))["$set"].AsBsonDocument;

        var entry = set["waitlist"]["$concatArrays"][1][0].AsBsonDocument;
        Assert.Equal("$waitlist", set["waitlist"]["$concatArrays"][0].AsString);
        Assert.Equal("$next_arrival", entry["arrival"].AsString);
        Assert.Equal(new BsonDocument("$literal", "$where"), entry["client"]);
        Assert.Equal(BsonDocument.Parse("{ $add: ['$next_arrival', 1] }"), set["next_arrival"].AsBsonDocument);
        Assert.False(set.Contains("enrolled"));
    }

    [Fact]
    public void EntryTimes_AreStampedInsideTheWrite_OneMillisecondAfterTheLatestEntryChange()
    {
        var ordered = BsonDocument.Parse(
            "{ $max: [ISODate('2026-12-01T09:00:00Z'), { $add: [{ $reduce: { input: { $concatArrays: ['$enrolled.update_time', '$waitlist.update_time', '$withdrawn.update_time'] }, " +
            "initialValue: null, in: { $max: ['$$value', '$$this'] } } }, 1] }] }");

        var join = Stage(CohortUpdates.Join(Candidate("c"), IdempotencyKey.Create("u", "r1", true, "x")!, toWaitlist: false))["$set"]["enrolled"]["$concatArrays"][1][0];
        var withdraw = Stage(CohortUpdates.Withdraw("e1", Now, fromWaitlist: false))["$set"].AsBsonDocument;

        Assert.Equal(ordered, join["create_time"]);
        Assert.Equal(ordered, join["update_time"]);
        Assert.Equal(ordered, withdraw["withdrawn"]["$concatArrays"][1]["$map"]["in"]["$mergeObjects"][1]["update_time"]);
        Assert.Equal(ordered, withdraw["enrolled"]["$concatArrays"][1]["$map"]["in"]["$mergeObjects"][1]["update_time"]);

        var later = Now.Plus(Duration.FromMinutes(5)).ToDateTimeUtc();
        var document = new CohortDocument { Id = "h1", Withdrawn = [Entry("e1", "a", 0)], Enrolled = [] };
        document.Withdrawn[0].UpdateTime = later;
        Assert.Equal(Instant.FromDateTimeUtc(later) + Duration.FromMilliseconds(1), document.OrderedTime(Now));
        Assert.Equal(Now + Duration.FromHours(1), document.OrderedTime(Now + Duration.FromHours(1)));
        Assert.Equal(Now, new CohortDocument { Id = "h2" }.OrderedTime(Now));
    }

    [Fact]
    public void Withdraw_FromSeats_PromotesHeadOfWaitlistInTheSameStage()
    {
        var set = Stage(CohortUpdates.Withdraw("e1", Now, fromWaitlist: false))["$set"].AsBsonDocument;

        var enrolled = set["enrolled"]["$concatArrays"].AsBsonArray;
        Assert.Equal("$ne", enrolled[0]["$filter"]["cond"].AsBsonDocument.GetElement(0).Name);
        Assert.Equal(BsonDocument.Parse("{ $slice: ['$waitlist', 1] }"), enrolled[1]["$map"]["input"].AsBsonDocument);
        Assert.Equal(BsonDocument.Parse("{ $slice: ['$waitlist', 1, { $max: [1, { $size: '$waitlist' }] }] }"), set["waitlist"].AsBsonDocument);
        Assert.Equal("$eq", set["withdrawn"]["$concatArrays"][1]["$map"]["input"]["$filter"]["cond"].AsBsonDocument.GetElement(0).Name);
    }

    [Fact]
    public void Withdraw_FromWaitlist_DoesNotTouchTheSeats()
    {
        var set = Stage(CohortUpdates.Withdraw("e3", Now, fromWaitlist: true))["$set"].AsBsonDocument;

        Assert.False(set.Contains("enrolled"));
        Assert.Equal("$waitlist", set["waitlist"]["$filter"]["input"].AsString);
    }

    [Fact]
    public void Resize_RefusesInTheFilter_WhenEnrolmentExceedsNewCapacity()
    {
        var filter = Render(CohortUpdates.Resizable("h1", 4, 3));

        Assert.Equal(4L, filter["version"].AsInt64);
        Assert.Equal(BsonDocument.Parse("{ $lte: [ { $size: '$enrolled' }, 3 ] }"), filter["$expr"].AsBsonDocument);
    }

    [Fact]
    public void Indexes_CoverEnrolmentLookupsAndTeaching()
    {
        var args = new RenderArgs<CohortDocument>(BsonSerializer.LookupSerializer<CohortDocument>(), BsonSerializer.SerializerRegistry);
        var keys = CohortUpdates.Indexes.Select(i => i.Keys.Render(args)).ToList();

        Assert.Contains(BsonDocument.Parse("{ 'enrolled.id': 1 }"), keys);
        Assert.Contains(BsonDocument.Parse("{ 'waitlist.client': 1 }"), keys);
        Assert.Contains(BsonDocument.Parse("{ coach_ids: 1, 'sessions.start': 1 }"), keys);
    }
}
