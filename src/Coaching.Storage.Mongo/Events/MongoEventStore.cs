using Coaching.Domain.Events;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Events;

/// <summary>
/// Event profiles in MongoDB: an insert keyed by the cohort's id, a version-filtered replace, and discovery over
/// <c>{topics, start_time, _id}</c> (topic given) or <c>{start_time, _id}</c>, with a partial index for held events with a recording.
/// </summary>
public sealed class MongoEventStore(MongoStore store) : IEventStore
{
    private static readonly FilterDefinitionBuilder<EventDocument> F = Builders<EventDocument>.Filter;

    public static IReadOnlyList<CreateIndexModel<EventDocument>> Indexes { get; } =
    [
        new(Builders<EventDocument>.IndexKeys.Ascending(d => d.StartTime).Ascending(d => d.Id), new CreateIndexOptions { Name = "by_start" }),
        new(Builders<EventDocument>.IndexKeys.Ascending(d => d.Topics).Ascending(d => d.StartTime).Ascending(d => d.Id), new CreateIndexOptions { Name = "by_topic" }),
        new(Builders<EventDocument>.IndexKeys.Ascending(d => d.StartTime).Ascending(d => d.Id),
            new CreateIndexOptions<EventDocument> { Name = "recorded_by_start", PartialFilterExpression = F.Eq(d => d.Recorded, true) }),
    ];

    private IMongoCollection<EventDocument> Events => store.Events;

    /// <inheritdoc />
    public async Task<EventProfile> CreateAsync(EventProfile profile, CancellationToken cancellationToken)
    {
        try
        {
            await Events.InsertOneAsync(EventDocument.From(profile), cancellationToken: cancellationToken);
            return profile;
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            return (await GetAsync([profile.Id], cancellationToken))[0];
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventProfile>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        [.. (await Events.Find(F.In(d => d.Id, ids)).SortBy(d => d.Id).ToListAsync(cancellationToken)).Select(d => d.ToDomain())];

    /// <inheritdoc />
    public async Task<bool> CopyAsync(EventProfile profile, CancellationToken cancellationToken) =>
        (await Events.ReplaceOneAsync(F.Eq(d => d.Id, profile.Id) & F.Lt(d => d.Version, profile.Version), EventDocument.From(profile),
            cancellationToken: cancellationToken)).MatchedCount == 1;

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventProfile>> ListAsync(EventQuery query, CancellationToken cancellationToken) =>
        [.. (await Events.Find(Filter(query)).SortBy(d => d.StartTime).ThenBy(d => d.Id).Limit(query.Limit).ToListAsync(cancellationToken)).Select(d => d.ToDomain())];

    /// <summary>The discovery filter: the start range, the topic, held-with-recording, and the keyset cursor.</summary>
    public static FilterDefinition<EventDocument> Filter(EventQuery query)
    {
        var filter = F.Gte(d => d.StartTime, query.From.ToDateTimeUtc()) & F.Lt(d => d.StartTime, query.To.ToDateTimeUtc());
        if (query.Topic is { } topic)
        {
            filter &= F.AnyEq(d => d.Topics, topic);
        }

        if (query.HeldOnly)
        {
            filter &= F.Eq(d => d.Recorded, true);
        }

        if (query.After is { } after)
        {
            var start = after.Start.ToDateTimeUtc();
            filter &= F.Gt(d => d.StartTime, start) | (F.Eq(d => d.StartTime, start) & F.Gt(d => d.Id, after.Id));
        }

        return filter;
    }
}
