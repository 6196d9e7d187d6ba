using Coaching.Domain.Calendar;
using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Courses;
using Coaching.Storage.Mongo.Outbox;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>
/// The MongoDB outbox without a server: a change's entry rides in the change's own single-document update, and the relay's
/// filters and updates (lease, pull, clear) say what the design needs, as the server will receive them.
/// </summary>
public class OutboxMappingTests
{
    static OutboxMappingTests() => MongoMappings.Register();

    private static readonly Instant At = Instant.FromUtc(2026, 12, 1, 9, 0);

    private static readonly OutboxEntry Entry = new("e1", "booking.cancelled", "bookings/b1", ["users/ann", "coaches/c1"], [8, 1, 2],
        new MailOrder(InviteMethod.Cancel, "booking-b1@coaching", 1, [0x42, 0x0D, 0x0A], "Ann", "ann@example.org", "Ada", "ada@example.org", "CV",
            At, At + Duration.FromMinutes(30), "Europe/London"), At);

    private static BsonDocument Render<T>(UpdateDefinition<T> update) =>
        update.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry)).AsBsonDocument;

    private static BsonDocument Render<T>(FilterDefinition<T> filter) =>
        filter.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    [Fact]
    public void AStateChange_PushesItsEntryAndFlagsTheDocument_InTheSameUpdate()
    {
        var cancelled = BookingMappingTests.Sample() with { State = Coaching.Domain.Bookings.BookingState.Cancelled, Version = 2 };

        var update = Render(BookingQueries.Transition(cancelled, new Outgoing(null, Entry)));

        Assert.Equal("e1", update["$push"]["outbox"]["id"].AsString);
        Assert.True(update["$set"]["outbox_pending"].AsBoolean);
        Assert.Equal(2, update["$set"]["version"].ToInt64());
        Assert.True(update["$unset"].AsBsonDocument.Contains("claims"));
    }

    [Fact]
    public void Entry_RoundTripsThroughBson_WithFixedElementNames()
    {
        var bson = OutboxEntryDocument.From(Entry).ToBsonDocument();
        var back = BsonSerializer.Deserialize<OutboxEntryDocument>(bson).ToDomain();

        Assert.Equal(["id", "type", "resource", "audience", "payload", "mail", "create_time"], bson.Names);
        Assert.Equal(["method", "uid", "sequence", "invite", "attendee_name", "attendee_email", "organizer_name", "organizer_email", "title", "start", "end",
            "time_zone"], bson["mail"].AsBsonDocument.Names);
        Assert.Equal(Entry with { Audience = [], Payload = [], Mail = null }, back with { Audience = [], Payload = [], Mail = null });
        Assert.Equal(Entry.Audience, back.Audience);
        Assert.Equal(Entry.Payload, back.Payload);
        Assert.Equal(Entry.Mail! with { Invite = [] }, back.Mail! with { Invite = [] });
        Assert.Equal(Entry.Mail!.Invite, back.Mail!.Invite);
    }

    [Fact]
    public void Relay_PullsOnlyWhatItLogged_AndClearsTheFlagOnlyWhenNothingNewArrived()
    {
        var pull = Render(MongoOutboxStore.Pull(["e1", "e2"]));
        var (filter, clear) = MongoOutboxStore.ClearWhenEmpty("b1");

        Assert.Equal(BsonDocument.Parse("{ $pull: { outbox: { id: { $in: ['e1', 'e2'] } } } }"), pull);
        Assert.Equal(BsonDocument.Parse("{ _id: 'b1', outbox: { $size: 0 } }"), Render(filter));
        Assert.Equal(BsonDocument.Parse("{ $unset: { outbox: 1, outbox_pending: 1 } }"), Render(clear));
        Assert.Equal(BsonDocument.Parse("{ outbox_pending: true }"), Render(MongoOutboxStore.Pending));
    }

    [Fact]
    public void RelayLease_IsTakenOnlyWhenFreeRunOutOrOwn()
    {
        var lease = Render(MongoOutboxStore.LeaseFree("p1", At));

        Assert.Equal("log", lease["_id"].AsString);
        Assert.Equal(new BsonArray { new BsonDocument("relay_owner", "p1"), new BsonDocument("relay_until", new BsonDocument("$lte", At.ToDateTimeUtc())) },
            lease["$or"].AsBsonArray);
    }

    [Fact]
    public void DueWork_IsPendingDueAndUnleased_AndWaitsForEarlierWorkOfItsStream()
    {
        var due = Render(MongoOutboxStore.Due(At));
        var earlier = Render(MongoOutboxStore.EarlierInStream(new DeliveryDocument { Stream = "bookings/b1|1|ann@example.org", Position = 7 }));

        Assert.Equal(1, due["state"].AsInt32);
        Assert.Equal(new BsonDocument("$lte", At.ToDateTimeUtc()), due["next_attempt"]);
        Assert.Equal(new BsonArray { new BsonDocument("lease_until", BsonNull.Value), new BsonDocument("lease_until", new BsonDocument("$lte", At.ToDateTimeUtc())) },
            due["$or"].AsBsonArray);
        Assert.Equal(BsonDocument.Parse("{ state: 1, stream: 'bookings/b1|1|ann@example.org', position: { $lt: NumberLong(7) } }"), earlier);
    }

    [Fact]
    public void ListDeliveries_PagesNewestFirst_ByPositionThenId()
    {
        var filter = Render(MongoOutboxStore.ListFilter(new DeliveryQuery(DeliveryState.Dead, DeliveryChannel.Email, "bookings/b1", (9, "d9"), 10)));

        Assert.Equal(3, filter["state"].AsInt32);
        Assert.Equal(1, filter["channel"].AsInt32);
        Assert.Equal("bookings/b1", filter["resource"].AsString);
        Assert.Equal(BsonDocument.Parse("{ $or: [{ position: { $lt: NumberLong(9) } }, { position: NumberLong(9), _id: { $lt: 'd9' } }] }")["$or"], filter["$or"]);
    }

    [Fact]
    public void EveryCarrierCollection_HasThePendingIndex()
    {
        var indexed = IndexPlan.All.Where(c => c.Indexes.Any(i => i.Name == "outbox_pending")).Select(c => c.Collection).Order();

        Assert.Equal(MongoOutboxStore.Carriers.Order(), indexed);
    }

    [Fact]
    public void DeletingAnOverride_MarksItAndRecordsItsEntry_InOneUpdate_AndEveryReadSkipsTheMark()
    {
        var update = Render(AvailabilityQueries.Delete(Entry));
        var live = BsonDocument.Parse("{ deleted: { $ne: true } }");

        Assert.Equal(BsonDocument.Parse("{ deleted: true, outbox_pending: true }"), update["$set"].AsBsonDocument);
        Assert.Equal(BsonDocument.Parse("{ request_scope: 1, request_id: 1, request_fingerprint: 1 }"), update["$unset"].AsBsonDocument);
        Assert.Equal("e1", update["$push"]["outbox"]["id"].AsString);
        Assert.Equal(3, update.ElementCount); // nothing else: no separate write can be lost between the delete and its entry
        foreach (var read in new[]
                 {
                     AvailabilityQueries.Override("c1", "o1"),
                     AvailabilityQueries.OverridesAfter("c1", null),
                     AvailabilityQueries.OverridesAfter("c1", new Coaching.Domain.Availability.OverrideCursor(new LocalDate(2026, 12, 1), "o1")),
                     AvailabilityQueries.OverridesCovering(["c1"], new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 7)),
                     AvailabilityQueries.OverrideByRequestKey("u", "r1"),
                 })
        {
            var rendered = Render(read).ToString();
            Assert.Contains(live.ToString()[2..^2], rendered, StringComparison.Ordinal);
        }

        // The relay removes the mark only once the entry it carried has left it.
        Assert.Equal(BsonDocument.Parse("{ _id: 'o1', outbox: { $size: 0 }, deleted: true }"), Render(MongoOutboxStore.SpentTombstone("o1")));
        Assert.True(new OverrideDocument { Id = "o1", Deleted = true }.ToBsonDocument()["deleted"].AsBoolean);
        Assert.False(new OverrideDocument { Id = "o1" }.ToBsonDocument().Contains("deleted"));
    }

    [Fact]
    public void APromotion_IsAnnouncedInTheWriteThatMakesIt_GuardedByTheLinesItWasPredictedFrom()
    {
        var promoted = Entry with { Id = "e2", Type = "enrolment.promoted" };
        var cohort = new Coaching.Domain.Courses.Cohort
        {
            Id = "h1", CourseId = "k1", DisplayName = "January", TimeZoneId = "UTC", CoachIds = ["c1"], Capacity = 5,
            Sessions = [new Coaching.Domain.Courses.CohortSession(At + Duration.FromDays(30), Duration.FromMinutes(60), "One")],
            EnrolmentOpen = At, EnrolmentClose = At + Duration.FromDays(29), State = Coaching.Domain.Courses.CohortState.Open, EnrolledCount = 0, WaitlistCount = 0, CreateTime = At, UpdateTime = At, Version = 2,
        };
        var seen = new CohortDocument { Id = "h1", LastEntryTime = At.ToDateTimeUtc() };

        foreach (var pipeline in new[] { CohortUpdates.Withdraw("e9", At, false, Entry, promoted), CohortUpdates.Update(cohort, Entry, promoted) })
        {
            var record = pipeline.Render(new RenderArgs<CohortDocument>(BsonSerializer.LookupSerializer<CohortDocument>(), BsonSerializer.SerializerRegistry))
                .Documents.Last()["$set"]["outbox"]["$concatArrays"][1]["$literal"].AsBsonArray;
            Assert.Equal(["e1", "e2"], record.Select(e => e["id"].AsString));
        }

        Assert.Equal(new BsonDocument("last_entry_time", At.ToDateTimeUtc()), Render(CohortUpdates.LinesAsRead(seen)));
        // A cohort written before last_entry_time existed matches only while it still has none (the first entry change sets it).
        Assert.Equal(BsonDocument.Parse("{ last_entry_time: null }"), Render(CohortUpdates.LinesAsRead(new CohortDocument { Id = "h0" })));
    }
}
