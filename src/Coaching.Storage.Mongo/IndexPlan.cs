using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Calendar;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Courses;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo;

/// <summary>
/// Every index the stores rely on, rendered once from the typed definitions. Start-up creates exactly these, and tests
/// check exactly these against the server's rules (one array-valued path per compound index, judged from the document
/// classes), so what is checked is what is created.
/// </summary>
public static class IndexPlan
{
    /// <summary>The plan, collection by collection.</summary>
    public static IReadOnlyList<CollectionIndexes> All { get; } = Build();

    private static List<CollectionIndexes> Build()
    {
        MongoMappings.Register();
        return
        [
            new(CoachDocument.Collection, [typeof(CoachDocument)], Render(CoachIndexes.Coaches)),
            new(OfferingDocument.Collection, [typeof(OfferingDocument)], Render(CoachIndexes.Offerings)),
            new(OverrideDocument.Collection, [typeof(OverrideDocument)], Render(AvailabilityQueries.OverrideIndexes)),
            new(BookingDocument.Collection, [typeof(BookingDocument), typeof(CohortDocument)],
                [.. Render(BookingQueries.Indexes), .. Render(CohortUpdates.Indexes)]),
            new(FeedDocument.Collection, [typeof(FeedDocument)], Render(MongoFeedStore.Indexes)),
            new(CourseDocument.Collection, [typeof(CourseDocument)], Render([CoachIndexes.RequestKey<CourseDocument>()])),
            new(EnrolmentInviteDocument.Collection, [typeof(EnrolmentInviteDocument)], Render(MongoEnrolmentInviteStore.Indexes)),
        ];
    }

    /// <summary>Creates every planned index (idempotent: the server keeps an identical index as it is).</summary>
    public static async Task EnsureAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        foreach (var collection in All)
        {
            var models = collection.Indexes.Select(i => new CreateIndexModel<BsonDocument>(i.Keys, new CreateIndexOptions<BsonDocument>
            {
                Name = i.Name,
                Unique = i.Unique ? true : null,
                PartialFilterExpression = i.PartialFilter,
            }));
            await database.GetCollection<BsonDocument>(collection.Collection).Indexes.CreateManyAsync(models, cancellationToken);
        }
    }

    private static List<PlannedIndex> Render<T>(IEnumerable<CreateIndexModel<T>> models)
    {
        var args = new RenderArgs<T>(BsonSerializer.LookupSerializer<T>(), BsonSerializer.SerializerRegistry);
        return [.. models.Select(m => new PlannedIndex(
            m.Options?.Name ?? throw new InvalidOperationException("Every index is named."),
            m.Keys.Render(args),
            m.Options.Unique == true,
            m.Options is CreateIndexOptions<T> { PartialFilterExpression: { } partial } ? partial.Render(args) : null))];
    }
}
