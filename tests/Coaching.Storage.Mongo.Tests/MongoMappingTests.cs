using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Storage.Mongo.Coaches;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>Everything about the Mongo store that needs no server: class maps, BSON shape, indexes, filters, updates.</summary>
public class MongoMappingTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 29, 9, 30, 15) + Duration.FromMilliseconds(123);

    static MongoMappingTests() => MongoMappings.Register();

    private static Coach SampleCoach() => Coach.Create("01coach", new CoachDraft("Ada 🚀", "Bio\nline two", "ada@example.org",
        ["CV", "Risk"], "Asia/Kathmandu"), Now);

    private static Offering SampleOffering() => Offering.Create("01offer", "01coach", new OfferingDraft("CV review", "d",
        Duration.FromMinutes(30), Duration.FromMinutes(5), Duration.FromMinutes(10), Duration.FromHours(2), Duration.FromDays(30),
        2, 8, true, Duration.FromHours(12)), Now);

    private static BsonDocument Render<T>(FilterDefinition<T> filter) =>
        filter.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry));

    private static BsonDocument Render<T>(UpdateDefinition<T> update) =>
        update.Render(new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry)).AsBsonDocument;

    [Fact]
    public void CoachDocument_HasSnakeCaseSchema_AndOmitsAbsentKeys()
    {
        var bson = CoachDocument.From(SampleCoach(), null).ToBsonDocument();

        Assert.Equal(
            ["_id", "display_name", "bio", "email", "specialties", "time_zone", "active", "create_time", "update_time", "version"],
            bson.Names);
        Assert.Equal(BsonType.DateTime, bson["create_time"].BsonType);
        Assert.Equal(new BsonArray { "cv", "risk" }, bson["specialties"]);
        Assert.Equal(1L, bson["version"].AsInt64);
    }

    [Fact]
    public void CoachDocument_WithKey_StoresRequestFields()
    {
        var key = IdempotencyKey.Create("admin", "r1", true, "x")!;

        var bson = CoachDocument.From(SampleCoach(), key).ToBsonDocument();

        Assert.Equal("admin", bson["request_scope"].AsString);
        Assert.Equal("r1", bson["request_id"].AsString);
        Assert.Equal(key.Fingerprint, bson["request_fingerprint"].AsString);
    }

    [Fact]
    public void Coach_RoundTripsThroughBson()
    {
        var coach = SampleCoach();

        var bytes = CoachDocument.From(coach, null).ToBson();
        var back = BsonSerializer.Deserialize<CoachDocument>(bytes).ToDomain();

        Assert.Equal(coach with { Specialties = [] }, back with { Specialties = [] });
        Assert.Equal(coach.Specialties, back.Specialties);
    }

    [Fact]
    public void Offering_RoundTripsThroughBson_WithDurationsInSeconds()
    {
        var offering = SampleOffering();

        var bson = OfferingDocument.From(offering, null).ToBsonDocument();
        var back = BsonSerializer.Deserialize<OfferingDocument>(bson).ToDomain();

        Assert.Equal(1800L, bson["duration_s"].AsInt64);
        Assert.Equal("01coach", bson["coach_id"].AsString);
        Assert.Equal(offering, back);
    }

    [Fact]
    public void DeletedCoach_StoresDeleteTime()
    {
        var document = CoachDocument.From(SampleCoach(), null);
        document.DeleteTime = Now.ToDateTimeUtc();

        var bson = document.ToBsonDocument();

        Assert.Equal(Now.ToDateTimeUtc(), bson["delete_time"].ToUniversalTime());
    }

    [Fact]
    public void Indexes_RequestKeyIsUniqueAndPartial()
    {
        var model = CoachIndexes.Coaches.Single(i => i.Options.Name == "request_key_unique");
        var keys = model.Keys.Render(new RenderArgs<CoachDocument>(
            BsonSerializer.LookupSerializer<CoachDocument>(), BsonSerializer.SerializerRegistry));

        Assert.True(model.Options.Unique);
        Assert.Equal(BsonDocument.Parse("{ request_scope: 1, request_id: 1 }"), keys);
        Assert.Equal(BsonDocument.Parse("{ request_id: { $exists: true } }"),
            ((CreateIndexOptions<CoachDocument>)model.Options).PartialFilterExpression.Render(new RenderArgs<CoachDocument>(
                BsonSerializer.LookupSerializer<CoachDocument>(), BsonSerializer.SerializerRegistry)));
    }

    [Fact]
    public void Indexes_CoverListPaths()
    {
        var args = new RenderArgs<CoachDocument>(BsonSerializer.LookupSerializer<CoachDocument>(), BsonSerializer.SerializerRegistry);
        var offeringArgs = new RenderArgs<OfferingDocument>(BsonSerializer.LookupSerializer<OfferingDocument>(), BsonSerializer.SerializerRegistry);

        Assert.Contains(CoachIndexes.Coaches, i => i.Keys.Render(args) == BsonDocument.Parse("{ specialties: 1, _id: 1 }"));
        Assert.Contains(CoachIndexes.Offerings, i => i.Keys.Render(offeringArgs) == BsonDocument.Parse("{ coach_id: 1, _id: 1 }"));
        Assert.Contains(CoachIndexes.Offerings, i => i.Options.Unique == true);
    }

    [Fact]
    public void Filter_UpdateAtVersion_ChecksIdVersionAndNotDeleted()
    {
        Assert.Equal(BsonDocument.Parse("{ _id: 'c1', delete_time: null, version: NumberLong(3) }"),
            Render(CoachQueries.CoachAtVersion("c1", 3)));
    }

    [Fact]
    public void Filter_ListBySpecialty_RendersIndexFriendlyQuery()
    {
        var filter = Render(CoachQueries.ListCoaches(new CoachQuery("cv", false, "01a", 10)));

        Assert.Equal(BsonDocument.Parse("{ _id: { $gt: '01a' }, delete_time: null, specialties: 'cv', active: true }"), filter);
    }

    [Fact]
    public void Filter_ListAll_IncludingInactive_HasNoActiveClause()
    {
        var filter = Render(CoachQueries.ListCoaches(new CoachQuery(null, true, null, 10)));

        Assert.Equal(BsonDocument.Parse("{ _id: { $gt: '' }, delete_time: null }"), filter);
    }

    [Fact]
    public void Update_Coach_SetsFieldsAndNextVersion()
    {
        var coach = SampleCoach();

        var update = Render(CoachQueries.UpdateCoach(coach, 2));

        var set = update["$set"].AsBsonDocument;
        Assert.Equal(2L, set["version"].AsInt64);
        Assert.Equal("Ada 🚀", set["display_name"].AsString);
        Assert.Equal(new BsonArray { "cv", "risk" }, set["specialties"]);
        Assert.False(set.Contains("create_time"));
        Assert.False(set.Contains("_id"));
    }

    [Fact]
    public void Update_DeleteCoach_SoftDeletesAndBumpsVersion()
    {
        var update = Render(CoachQueries.DeleteCoach(Now.ToDateTimeUtc()));

        Assert.Equal(BsonDocument.Parse("{ version: NumberLong(1) }"), update["$inc"].AsBsonDocument);
        Assert.False(update["$set"]["active"].AsBoolean);
        Assert.Equal(Now.ToDateTimeUtc(), update["$set"]["delete_time"].ToUniversalTime());
    }

    [Fact]
    public void Filter_Offering_ScopedToCoach()
    {
        Assert.Equal(BsonDocument.Parse("{ coach_id: 'c1', _id: { $gt: 'o1' }, delete_time: null }"),
            Render(CoachQueries.ListOfferings("c1", "o1")));
        Assert.Equal(BsonDocument.Parse("{ _id: 'o1', coach_id: 'c1', delete_time: null, version: NumberLong(4) }"),
            Render(CoachQueries.OfferingAtVersion("c1", "o1", 4)));
    }

    [Fact]
    public void Connect_UsesDatabaseFromUriOrDefault()
    {
        Assert.Equal("coaching", MongoStore.Connect("mongodb://localhost:27017").Database.DatabaseNamespace.DatabaseName);
        Assert.Equal("prod", MongoStore.Connect("mongodb://localhost:27017/prod").Database.DatabaseNamespace.DatabaseName);
    }
}
