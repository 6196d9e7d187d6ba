using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Calendar;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Courses;
using Coaching.Storage.Mongo.Outbox;
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
            new(OverrideDocument.Collection, [typeof(OverrideDocument)],
                [.. Render(AvailabilityQueries.OverrideIndexes), .. Render([MongoOutboxStore.PendingIndex<OverrideDocument>()])]),
            new(ScheduleDocument.Collection, [typeof(ScheduleDocument)], Render([MongoOutboxStore.PendingIndex<ScheduleDocument>()])),
            new(BookingDocument.Collection, [typeof(BookingDocument), typeof(CohortDocument)],
                [.. Render(BookingQueries.Indexes), .. Render(CohortUpdates.Indexes), .. Render([MongoOutboxStore.PendingIndex<BookingDocument>()])]),
            new(FeedDocument.Collection, [typeof(FeedDocument)], Render(MongoFeedStore.Indexes)),
            new(CourseDocument.Collection, [typeof(CourseDocument)], Render([CoachIndexes.RequestKey<CourseDocument>()])),
            new(EnrolmentInviteDocument.Collection, [typeof(EnrolmentInviteDocument)],
                [.. Render(MongoEnrolmentInviteStore.Indexes), .. Render([MongoOutboxStore.PendingIndex<EnrolmentInviteDocument>()])]),
            new(LogDocument.Collection, [typeof(LogDocument)], Render(MongoOutboxStore.LogIndexes)),
            new(DeliveryDocument.Collection, [typeof(DeliveryDocument)], Render(MongoOutboxStore.DeliveryIndexes)),
            new(WebhookDocument.Collection, [typeof(WebhookDocument)], Render(MongoOutboxStore.WebhookIndexes)),
            new(EnrolmentRecordDocument.Collection, [typeof(EnrolmentRecordDocument)], Render(CohortUpdates.RecordIndexes)),
            new(BookingRecordDocument.Collection, [typeof(BookingRecordDocument)], Render(BookingArchive.Indexes)),
            new(Events.EventDocument.Collection, [typeof(Events.EventDocument)], Render(Events.MongoEventStore.Indexes)),
            new(Calendars.CalendarConnectionDocument.Collection, [typeof(Calendars.CalendarConnectionDocument)], Render(Calendars.MongoCalendarConnectionStore.Indexes)),
            new(Calendars.BusyBucketDocument.Collection, [typeof(Calendars.BusyBucketDocument)], Render(Calendars.MongoCalendarConnectionStore.BusyIndexes)),
            new(Events.QuestionDocument.Collection, [typeof(Events.QuestionDocument)],
                [.. Render(Events.MongoQuestionStore.Indexes), .. Render([MongoOutboxStore.PendingIndex<Events.QuestionDocument>()])]),
        ];
    }

    /// <summary>
    /// Makes every collection's indexes exactly the plan's, matched by name: an index that is missing is built, one whose keys,
    /// uniqueness or partial filter differ from the plan is dropped and built again, one the plan no longer names is dropped. Safe
    /// when several servers start at once: building an identical index is a no-op, and dropping an index another server has just
    /// dropped is ignored. On a replica set the builds wait for a majority of the data-bearing voting members (commit quorum
    /// <c>majority</c>), not all of them, so a secondary that is down does not hold start-up.
    /// </summary>
    public static async Task EnsureAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
        var replicaSet = database.Client.Cluster.Description.Type == MongoDB.Driver.Core.Clusters.ClusterType.ReplicaSet;
        foreach (var collection in All)
        {
            var indexes = database.GetCollection<BsonDocument>(collection.Collection).Indexes;
            var changes = Reconcile(await ExistingAsync(indexes, cancellationToken), collection.Indexes);
            foreach (var name in changes.Drop)
            {
                try
                {
                    await indexes.DropOneAsync(name, cancellationToken);
                }
                catch (MongoCommandException e) when (e.Code == IndexNotFound)
                {
                    // Another server dropped it first.
                }
            }

            if (changes.Create.Count > 0)
            {
                var models = changes.Create.Select(i => new CreateIndexModel<BsonDocument>(i.Keys, new CreateIndexOptions<BsonDocument>
                {
                    Name = i.Name,
                    Unique = i.Unique ? true : null,
                    PartialFilterExpression = i.PartialFilter,
                }));
                var options = new CreateManyIndexesOptions { CommitQuorum = replicaSet ? CreateIndexCommitQuorum.Majority : null };
                await indexes.CreateManyAsync(models, options, cancellationToken);
            }
        }
    }

    /// <summary>
    /// What to drop and what to build so that indexes <paramref name="existing"/> (as <c>listIndexes</c> reports them) become
    /// <paramref name="planned"/>. The <c>_id</c> index is never touched.
    /// </summary>
    public static IndexChanges Reconcile(IReadOnlyList<BsonDocument> existing, IReadOnlyList<PlannedIndex> planned)
    {
        var byName = planned.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var drop = new List<string>();
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in existing)
        {
            var name = index.GetValue("name", BsonString.Empty).AsString;
            if (name == "_id_")
            {
                continue;
            }

            if (byName.TryGetValue(name, out var wanted) && Same(index, wanted))
            {
                kept.Add(name);
            }
            else
            {
                drop.Add(name);
            }
        }

        return new IndexChanges(drop, [.. planned.Where(p => !kept.Contains(p.Name))]);
    }

    private const int IndexNotFound = 27;
    private const int NamespaceNotFound = 26;

    private static bool Same(BsonDocument existing, PlannedIndex wanted) =>
        existing.GetValue("key", new BsonDocument()).Equals(wanted.Keys)
        && existing.GetValue("unique", false).ToBoolean() == wanted.Unique
        && Equals(existing.GetValue("partialFilterExpression", BsonNull.Value), (BsonValue?)wanted.PartialFilter ?? BsonNull.Value);

    private static async Task<List<BsonDocument>> ExistingAsync(IMongoIndexManager<BsonDocument> indexes, CancellationToken ct)
    {
        try
        {
            return await (await indexes.ListAsync(ct)).ToListAsync(ct);
        }
        catch (MongoCommandException e) when (e.Code == NamespaceNotFound)
        {
            return [];
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
