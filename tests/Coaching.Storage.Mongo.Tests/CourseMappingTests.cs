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
        pipeline.Render(new RenderArgs<CohortDocument>(BsonSerializer.LookupSerializer<CohortDocument>(), BsonSerializer.SerializerRegistry)).Documents.First();

    private static EntryDocument Entry(string id, string client, long arrival) => new()
    {
        Id = id, Client = client, Arrival = arrival, CreateTime = Now.ToDateTimeUtc(), UpdateTime = Now.ToDateTimeUtc(), Version = 1,
    };

    private static Enrolment Candidate(string client) => new()
    {
        Id = "e9", CourseId = "k1", CohortId = "h1", ClientId = client, State = EnrolmentState.Enrolled, Arrival = 0, WaitlistPosition = 0,
        CreateTime = Now, UpdateTime = Now, Version = 1,
    };

    private static Cohort Cohort(CohortState state) => new()
    {
        Id = "h1", CourseId = "k1", DisplayName = "January", TimeZoneId = "UTC", CoachIds = ["c1", "c2"], Capacity = 5,
        Sessions = [new CohortSession(Now + Duration.FromDays(30), Duration.FromMinutes(60), "One")],
        EnrolmentOpen = Now, EnrolmentClose = Now + Duration.FromDays(29), State = state, EnrolledCount = 0, WaitlistCount = 0,
        CreateTime = Now, UpdateTime = Now, Version = 2,
    };

    [Fact]
    public void CohortDocument_IsAKindOfCommitment_ClaimingEverySessionCellPerCoach_NoneOnceCancelled()
    {
        var key = IdempotencyKey.Create("admin", "req-1", false, "x")!;

        var open = CohortDocument.From(Cohort(CohortState.Open), key).ToBsonDocument();
        var cancelled = CohortDocument.From(Cohort(CohortState.Cancelled), null).ToBsonDocument();

        Assert.Equal("bookings", CohortDocument.Collection);
        Assert.Equal("cohort", open["kind"].AsString);
        Assert.Equal(24, open["claims"].AsBsonArray.Count); // 12 cells of 5 minutes, for each of two coaches
        Assert.Equal(Coaching.Domain.Bookings.ClaimKeys.Cells("c1", Now + Duration.FromDays(30), Now + Duration.FromDays(30) + Duration.FromMinutes(60)),
            open["claims"].AsBsonArray.Take(12).Select(c => c.AsString));
        Assert.False(cancelled.Contains("claims"));
        Assert.Equal(("admin", "req-1"), (open["cohort_request_scope"].AsString, open["cohort_request_id"].AsString));
        Assert.False(open.Contains("request_id"));
    }

    [Fact]
    public void AnEventsProfile_TravelsInItsCohortsDocument_AndChangesInTheCohortsOneUpdate()
    {
        var profile = new Coaching.Domain.Events.EventProfile
        {
            Id = "h1", Kind = Coaching.Domain.Events.EventKind.Webinar, Title = "$not an operator", Description = "{ \"$set\": 1 }", Topics = ["cv"],
            JoinLink = "https://meet.example.org/j", Visibility = Coaching.Domain.Events.EventVisibility.Public, Unlimited = false, RecordingLink = "",
            HeldTime = null, Start = Now + Duration.FromDays(30), CreateTime = Now, UpdateTime = Now, Version = 4,
        };
        var withEvent = Cohort(CohortState.Open) with { Event = profile };

        var document = CohortDocument.From(withEvent, null).ToBsonDocument();
        var plain = CohortDocument.From(Cohort(CohortState.Open), null).ToBsonDocument();
        var set = Stage(CohortUpdates.Update(withEvent, Outboxed))["$set"].AsBsonDocument;
        var keep = Stage(CohortUpdates.Update(Cohort(CohortState.Open), Outboxed))["$set"].AsBsonDocument;
        var back = BsonSerializer.Deserialize<CohortDocument>(document).ToDomain();

        Assert.Equal(4, document["event"]["version"].AsInt64);
        Assert.False(plain.Contains("event"));
        // Set as a literal beside the version the filter checks: a title starting with '$' is text, not a field path.
        Assert.Equal("$not an operator", set["event"]["$literal"]["title"].AsString);
        Assert.Equal(2, set["version"].AsInt64);
        Assert.False(keep.Contains("event")); // a change without a profile leaves the stored one
        Assert.Equal(profile with { Topics = back.Event!.Topics }, back.Event);
        Assert.Equal(["cv"], back.Event.Topics);
    }

    [Theory]
    [InlineData(CohortState.Open, true)]
    [InlineData(CohortState.Cancelled, false)]
    public void Update_ReplacesTheClaimsInTheSameWrite_RemovesThemOnCancel(CohortState state, bool claims)
    {
        var set = Stage(CohortUpdates.Update(Cohort(state), Outboxed))["$set"].AsBsonDocument;

        if (claims)
        {
            Assert.Equal(24, set["claims"]["$literal"].AsBsonArray.Count);
        }
        else
        {
            Assert.Equal("$$REMOVE", set["claims"].AsString);
        }

        Assert.Contains("\"kind\" : \"cohort\"", Render(CohortUpdates.Resizable("h1", 1, 5)).ToString(), StringComparison.Ordinal);
        Assert.Contains("\"kind\" : \"cohort\"", Render(CohortUpdates.CanJoin("h1", "ann", false)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheFullestEventCohort_WithTheLongestProfile_StaysFarBelowMongosDocumentLimit()
    {
        // Every bound at once: 50 sessions of 8 hours, 10 teaching coaches (their claims), a full line of seats and waitlist, and
        // a profile at every length limit in 4-byte characters.
        var sessions = Enumerable.Range(0, 50).Select(i => new CohortSession(Now + Duration.FromDays(1 + i), Coaching.Domain.Courses.Cohort.LongestSession, "S"))
            .ToList();
        var longest = string.Concat(Enumerable.Repeat("\U0001F600", 5000));
        var profile = new Coaching.Domain.Events.EventProfile
        {
            Id = "h1", Kind = Coaching.Domain.Events.EventKind.Webinar, Title = longest[..400], Description = longest,
            Topics = [.. Enumerable.Range(0, Coaching.Domain.Events.EventProfile.MaxTopics).Select(i => $"{i}{new string('t', 49)}")],
            JoinLink = $"https://{new string('j', 1990)}", Visibility = Coaching.Domain.Events.EventVisibility.Public, Unlimited = true,
            RecordingLink = $"https://{new string('r', 1990)}", HeldTime = Now, Start = sessions[0].Start, CreateTime = Now, UpdateTime = Now, Version = 9,
        };
        var cohort = Cohort(CohortState.Open) with
        {
            Sessions = sessions, CoachIds = [.. Enumerable.Range(0, 10).Select(i => $"01coach{i:D19}")], Capacity = 1000, Event = profile,
            EnrolmentClose = Now + Duration.FromHours(1),
        };
        var document = CohortDocument.From(cohort, IdempotencyKey.Create(new string('s', 200), new string('r', 100), false, "x"));
        document.Enrolled = [.. Enumerable.Range(0, 1000).Select(i => Entry($"01enrolment{i:D15}", $"client-{new string('c', 60)}-{i}", i))];
        document.Waitlist = [.. Enumerable.Range(1000, Coaching.Domain.Courses.Cohort.MaxWaitlist).Select(i => Entry($"01enrolment{i:D15}", $"client-{new string('c', 60)}-{i}", i))];

        var size = document.ToBson().Length;

        Assert.Equal(50 * 96 * 10, document.Claims!.Count);
        Assert.True(size < 4 * 1024 * 1024, $"the fullest event cohort is {size:N0} bytes");
    }

    [Fact]
    public void WithdrawnEntries_LeaveAsRecords_ThenArePulledFromTheCohort()
    {
        var cohort = CohortDocument.From(Cohort(CohortState.Open), null);
        var entry = Entry("e4", "d", 4);
        entry.Version = 3;

        var record = EnrolmentRecordDocument.From(cohort, entry).ToBsonDocument();
        var pull = CohortUpdates.ForgetWithdrawn(["e4", "e7"])
            .Render(new RenderArgs<CohortDocument>(BsonSerializer.LookupSerializer<CohortDocument>(), BsonSerializer.SerializerRegistry)).AsBsonDocument;
        var back = BsonSerializer.Deserialize<EnrolmentRecordDocument>(record).ToDomain();

        Assert.Equal(["_id", "course_id", "cohort_id", "entry"], record.Names);
        Assert.Equal(("e4", "d", 4L), (record["_id"].AsString, record["entry"]["client"].AsString, record["entry"]["arrival"].AsInt64));
        Assert.Equal(BsonDocument.Parse("{ $pull: { withdrawn: { id: { $in: ['e4', 'e7'] } } } }"), pull);
        Assert.Equal((EnrolmentState.Withdrawn, "h1", "k1", 3L), (back.State, back.CohortId, back.CourseId, back.Version));
    }

    [Fact]
    public void Touched_StampsACopy_AsTheWithdrawUpdateDoes_AndLeavesTheImageAlone()
    {
        var entry = Entry("e4", "d", 4);
        entry.Version = 3;

        var touched = entry.Touched(Now + NodaTime.Duration.FromMinutes(5));

        Assert.Equal(((Now + NodaTime.Duration.FromMinutes(5)).ToDateTimeUtc(), 4L), (touched.UpdateTime, touched.Version));
        Assert.Equal(("e4", "d", 4L), (touched.Id, touched.Client, touched.Arrival));
        Assert.Equal(3L, entry.Version);
    }

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
        var document = CohortDocument.From(Cohort(CohortState.Open) with { Capacity = 2 }, null);
        document.Enrolled = [Entry("e2", "b", 2), Entry("e1", "a", 1)];
        document.Waitlist = [Entry("e3", "c", 3), Entry("e5", "e", 5)];
        document.Withdrawn = [Entry("e4", "d", 4)];

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
        var seats = BsonDocument.Parse($"{{ {comparison}: [ {{ $size: '$enrolled' }}, '$capacity' ] }}");
        Assert.Equal(toWaitlist
            ? new BsonDocument("$and", new BsonArray { seats, BsonDocument.Parse($"{{ $lt: [ {{ $size: '$waitlist' }}, {Coaching.Domain.Courses.Cohort.MaxWaitlist} ] }}") })
            : seats, filter["$expr"].AsBsonDocument);
    }

    [Fact]
    public void Join_StampsArrivalFromTheCounter_AndTreatsClientTextAsLiteral()
    {
        var key = IdempotencyKey.Create("u", "r1", true, "x")!;

        var set = Stage(CohortUpdates.Join(Candidate("$where"), key, toWaitlist: true, Outboxed))["$set"].AsBsonDocument;

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
            "{ $max: [ISODate('2026-12-01T09:00:00Z'), { $add: [{ $ifNull: ['$last_entry_time', { $reduce: { input: { $concatArrays: " +
            "['$enrolled.update_time', '$waitlist.update_time', '$withdrawn.update_time'] }, initialValue: null, in: { $max: ['$$value', '$$this'] } } }] }, 1] }] }");

        var join = Stage(CohortUpdates.Join(Candidate("c"), IdempotencyKey.Create("u", "r1", true, "x")!, toWaitlist: false, Outboxed))["$set"]["enrolled"]["$concatArrays"][1][0];
        var withdraw = Stage(CohortUpdates.Withdraw("e1", Now, fromWaitlist: false, Outboxed))["$set"].AsBsonDocument;

        Assert.Equal(ordered, join["create_time"]);
        Assert.Equal(ordered, join["update_time"]);
        Assert.Equal(ordered, withdraw["withdrawn"]["$concatArrays"][1]["$map"]["in"]["$mergeObjects"][1]["update_time"]);
        Assert.Equal(ordered, withdraw["enrolled"]["$concatArrays"][1]["$map"]["in"]["$mergeObjects"][1]["update_time"]);
        Assert.Equal(ordered, withdraw["last_entry_time"]);
        Assert.Equal(ordered, Stage(CohortUpdates.Join(Candidate("c"), IdempotencyKey.Create("u", "r1", true, "x")!, toWaitlist: false, Outboxed))["$set"]["last_entry_time"]);

        var later = Now.Plus(Duration.FromMinutes(5)).ToDateTimeUtc();
        var document = new CohortDocument { Id = "h1", Withdrawn = [Entry("e1", "a", 0)], Enrolled = [] };
        document.Withdrawn[0].UpdateTime = later;
        Assert.Equal(Instant.FromDateTimeUtc(later) + Duration.FromMilliseconds(1), document.OrderedTime(Now));
        Assert.Equal(Now + Duration.FromHours(1), document.OrderedTime(Now + Duration.FromHours(1)));
        Assert.Equal(Now, new CohortDocument { Id = "h2" }.OrderedTime(Now));
        var kept = new CohortDocument { Id = "h3", LastEntryTime = later };
        Assert.Equal(Instant.FromDateTimeUtc(later) + Duration.FromMilliseconds(1), kept.OrderedTime(Now));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JoinAndWithdraw_LeaveTheCohortVersion_SoEtagsMeanWhatTheyMeanOnSqlite(bool waitlist)
    {
        var join = Stage(CohortUpdates.Join(Candidate("c"), IdempotencyKey.Create("u", "r1", true, "x")!, waitlist, Outboxed))["$set"].AsBsonDocument;
        var withdraw = Stage(CohortUpdates.Withdraw("e1", Now, waitlist, Outboxed))["$set"].AsBsonDocument;

        Assert.False(join.Contains("version"));
        Assert.False(withdraw.Contains("version"));
    }

    [Fact]
    public void Withdraw_FromSeats_PromotesHeadOfWaitlistInTheSameStage()
    {
        var set = Stage(CohortUpdates.Withdraw("e1", Now, fromWaitlist: false, Outboxed))["$set"].AsBsonDocument;

        var enrolled = set["enrolled"]["$concatArrays"].AsBsonArray;
        Assert.Equal("$ne", enrolled[0]["$filter"]["cond"].AsBsonDocument.GetElement(0).Name);
        Assert.Equal(BsonDocument.Parse("{ $slice: ['$waitlist', 1] }"), enrolled[1]["$map"]["input"].AsBsonDocument);
        Assert.Equal(BsonDocument.Parse("{ $slice: ['$waitlist', 1, { $max: [1, { $size: '$waitlist' }] }] }"), set["waitlist"].AsBsonDocument);
        Assert.Equal("$eq", set["withdrawn"]["$concatArrays"][1]["$map"]["input"]["$filter"]["cond"].AsBsonDocument.GetElement(0).Name);
    }

    private static readonly Coaching.Domain.Outbox.OutboxEntry Outboxed =
        new("x1", "enrolment.withdrawn", "courses/c/cohorts/h/enrolments/$where", ["users/$u"], [1, 2], null, Now);

    [Fact]
    public void EveryCohortChange_AppendsItsOutboxEntry_AsALiteral_InTheSameUpdate()
    {
        var updates = new[]
        {
            CohortUpdates.Join(Candidate("c"), IdempotencyKey.Create("u", "r1", true, "x")!, false, Outboxed),
            CohortUpdates.Withdraw("e1", Now, false, Outboxed),
            CohortUpdates.Update(Cohort(CohortState.Open), Outboxed),
        };

        foreach (var update in updates)
        {
            var stages = update.Render(new RenderArgs<CohortDocument>(BsonSerializer.LookupSerializer<CohortDocument>(), BsonSerializer.SerializerRegistry))
                .Documents.ToList();
            var record = stages[^1]["$set"].AsBsonDocument;
            Assert.Equal(2, stages.Count);
            Assert.True(record["outbox_pending"].AsBoolean);
            Assert.Equal(BsonDocument.Parse("{ $ifNull: ['$outbox', []] }"), record["outbox"]["$concatArrays"][0].AsBsonDocument);
            var entry = record["outbox"]["$concatArrays"][1]["$literal"][0].AsBsonDocument;
            Assert.Equal(("x1", "courses/c/cohorts/h/enrolments/$where"), (entry["id"].AsString, entry["resource"].AsString));
            Assert.Equal(new byte[] { 1, 2 }, entry["payload"].AsByteArray);
        }
    }

    [Fact]
    public void Withdraw_FromWaitlist_DoesNotTouchTheSeats()
    {
        var set = Stage(CohortUpdates.Withdraw("e3", Now, fromWaitlist: true, Outboxed))["$set"].AsBsonDocument;

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
        Assert.Contains(BsonDocument.Parse("{ coach_ids: 1 }"), keys);
        Assert.All(CohortUpdates.Indexes, i => Assert.Equal(BsonDocument.Parse("{ kind: 'cohort' }"),
            ((CreateIndexOptions<CohortDocument>)i.Options).PartialFilterExpression.Render(args)));
    }
}
