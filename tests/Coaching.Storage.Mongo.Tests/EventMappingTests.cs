using Coaching.Domain.Events;
using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Events;
using Coaching.Storage.Mongo.Outbox;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>Event profiles and questions in MongoDB, checked without a server: shapes, the vote's single update, the delete mark.</summary>
public class EventMappingTests
{
    static EventMappingTests() => MongoMappings.Register();

    private static readonly Instant Now = Instant.FromUtc(2026, 12, 1, 9, 0);

    private static BsonDocument Render<T>(FilterDefinition<T> filter) =>
        filter.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    private static BsonDocument Render<T>(UpdateDefinition<T> update) =>
        update.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry)).AsBsonDocument;

    private static OutboxEntry Entry() => new("o1", "question.changed", "events/e1/questions/q1", ["coaches/c1"], [1, 2], null, Now);

    [Fact]
    public void Profile_RoundTrips_AndMarksHeldWithARecording_ForItsPartialIndex()
    {
        var profile = new EventProfile
        {
            Id = "e1", Kind = EventKind.DropIn, Title = "Drop-in", Description = "Ask us", Topics = ["cv", "pmo"], JoinLink = "https://meet.example.org/d",
            Visibility = EventVisibility.Public, Unlimited = true, RecordingLink = "https://video.example.org/d", HeldTime = Now, Start = Now - Duration.FromHours(2),
            CreateTime = Now, UpdateTime = Now, Version = 3,
        };

        var bson = EventDocument.From(profile).ToBsonDocument();
        var back = BsonSerializer.Deserialize<EventDocument>(bson).ToDomain();

        Assert.Equivalent(profile, back, strict: true);
        Assert.True(bson["recorded"].AsBoolean);
        Assert.Equal(new BsonArray { "cv", "pmo" }, bson["topics"].AsBsonArray);
        Assert.False(EventDocument.From(profile with { RecordingLink = string.Empty }).ToBsonDocument()["recorded"].AsBoolean);
    }

    [Fact]
    public void Discovery_FilterCoversTopicRangeHeldAndCursor()
    {
        var filter = Render(MongoEventStore.Filter(new EventQuery(Now, Now + Duration.FromDays(7), "pmo", true, new EventCursor(Now + Duration.FromHours(1), "e5"), 10)));
        var text = filter.ToString();

        Assert.Contains("\"topics\" : \"pmo\"", text, StringComparison.Ordinal);
        Assert.Contains("\"recorded\" : true", text, StringComparison.Ordinal);
        Assert.Contains("\"_id\" : { \"$gt\" : \"e5\" }", text, StringComparison.Ordinal);
        Assert.Contains("\"$lt\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Vote_IsOneUpdate_OnlyWhereTheVoterIsAbsentAndTheCountUnmoved_WithItsEntry()
    {
        var (filter, update) = MongoQuestionStore.Vote("e1", "q1", "ann", 4, Entry());
        var f = Render(filter);
        var u = Render(update);

        Assert.Equal("q1", f["_id"].AsString);
        Assert.Equal("e1", f["event_id"].AsString);
        Assert.Equal(new BsonDocument("$ne", "ann"), f["voters"]);
        Assert.Equal(4, f["votes"].AsInt32);
        Assert.Equal(new BsonDocument("$ne", true), f["deleted"]);
        Assert.Equal("ann", u["$push"]["voters"].AsString);
        Assert.Equal("o1", u["$push"]["outbox"]["id"].AsString);
        Assert.Equal(1, u["$inc"]["votes"].AsInt32);
        Assert.True(u["$set"]["outbox_pending"].AsBoolean);
    }

    [Fact]
    public void Delete_MarksWithItsEntry_ForgetsVotersAndRequestKey_AndListsSkipMarked_AndTheRelayCarriesQuestions()
    {
        var u = Render(MongoQuestionStore.Tombstone(Entry()));
        var list = Render(MongoQuestionStore.ListFilter("e1", null));

        Assert.True(u["$set"]["deleted"].AsBoolean);
        Assert.Equal(new BsonArray(), u["$set"]["voters"].AsBsonArray);
        Assert.True(u["$unset"].AsBsonDocument.Contains("request_id"));
        Assert.Equal("o1", u["$push"]["outbox"]["id"].AsString);
        Assert.Equal(new BsonDocument("$ne", true), list["deleted"]);
        Assert.Contains(QuestionDocument.Collection, MongoOutboxStore.Carriers);
        Assert.Equal(QuestionDocument.Collection, "event_questions");
    }
}
