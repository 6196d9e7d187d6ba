using Coaching.Domain.Common;
using Coaching.Domain.ExternalCalendars;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Calendars;

/// <summary>
/// Calendar connections in MongoDB. A connection's busy time is a generation of month buckets; a sync writes a new generation,
/// switches the connection to it in the update that records the sync (only while the syncing process holds the lease), and then
/// removes older generations. Reads take the generation each connection names, so a sync in progress is never half seen.
/// </summary>
public sealed class MongoCalendarConnectionStore(MongoStore store) : ICalendarConnectionStore
{
    private static readonly FilterDefinitionBuilder<CalendarConnectionDocument> F = Builders<CalendarConnectionDocument>.Filter;
    private static readonly FilterDefinitionBuilder<BusyBucketDocument> B = Builders<BusyBucketDocument>.Filter;

    public static IReadOnlyList<CreateIndexModel<CalendarConnectionDocument>> Indexes { get; } =
    [
        new(Builders<CalendarConnectionDocument>.IndexKeys.Ascending(d => d.CoachId).Ascending(d => d.Id), new CreateIndexOptions { Name = "by_coach" }),
        new(Builders<CalendarConnectionDocument>.IndexKeys.Ascending(d => d.NextSyncTime), new CreateIndexOptions { Name = "due" }),
        Coaches.CoachIndexes.RequestKey<CalendarConnectionDocument>(),
    ];

    public static IReadOnlyList<CreateIndexModel<BusyBucketDocument>> BusyIndexes { get; } =
    [
        new(Builders<BusyBucketDocument>.IndexKeys.Ascending(d => d.CoachId).Ascending(d => d.Month), new CreateIndexOptions { Name = "by_coach_month" }),
        new(Builders<BusyBucketDocument>.IndexKeys.Ascending(d => d.ConnectionId).Ascending(d => d.Generation), new CreateIndexOptions { Name = "by_connection" }),
    ];

    private IMongoCollection<CalendarConnectionDocument> Connections => store.CalendarConnections;

    private IMongoCollection<BusyBucketDocument> Busy => store.ExternalBusy;

    /// <inheritdoc />
    public async Task<CreateResult<CalendarConnection>> CreateAsync(CalendarConnection connection, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        try
        {
            await Connections.InsertOneAsync(CalendarConnectionDocument.From(connection, key), cancellationToken: cancellationToken);
            return new CreateResult<CalendarConnection>(connection, true, key?.Fingerprint);
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e) && key is not null)
        {
            var original = await Connections.Find(F.Eq(d => d.RequestScope, key.Scope) & F.Eq(d => d.RequestId, key.RequestId)).FirstAsync(cancellationToken);
            return new CreateResult<CalendarConnection>(original.ToDomain(), false, original.RequestFingerprint);
        }
    }

    /// <inheritdoc />
    public async Task<CalendarConnection?> GetAsync(string coachId, string id, CancellationToken cancellationToken) =>
        (await Connections.Find(Of(coachId, id)).FirstOrDefaultAsync(cancellationToken))?.ToDomain();

    /// <inheritdoc />
    public async Task<IReadOnlyList<CalendarConnection>> ListAsync(string coachId, CancellationToken cancellationToken) =>
        [.. (await Connections.Find(F.Eq(d => d.CoachId, coachId)).SortBy(d => d.Id).ToListAsync(cancellationToken)).Select(d => d.ToDomain())];

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string coachId, string id, CancellationToken cancellationToken)
    {
        var deleted = (await Connections.DeleteOneAsync(Of(coachId, id), cancellationToken)).DeletedCount == 1;
        if (deleted)
        {
            await Busy.DeleteManyAsync(B.Eq(d => d.ConnectionId, id), cancellationToken);
        }

        return deleted;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CalendarConnection>> ListDueAsync(Instant now, int limit, CancellationToken cancellationToken)
    {
        var at = now.ToDateTimeUtc();
        return [.. (await Connections.Find(F.Lte(d => d.NextSyncTime, at) & (F.Eq(d => d.LeaseUntil, null) | F.Lte(d => d.LeaseUntil, at)))
            .SortBy(d => d.NextSyncTime).Limit(limit).ToListAsync(cancellationToken)).Select(d => d.ToDomain())];
    }

    /// <inheritdoc />
    public async Task<CalendarConnection?> LeaseAsync(string coachId, string id, string owner, Instant now, Instant until, CancellationToken cancellationToken)
    {
        var at = now.ToDateTimeUtc();
        var leased = await Connections.FindOneAndUpdateAsync(
            Of(coachId, id) & (F.Eq(d => d.LeaseUntil, null) | F.Lte(d => d.LeaseUntil, at) | F.Eq(d => d.LeaseOwner, owner)),
            Builders<CalendarConnectionDocument>.Update.Set(d => d.LeaseOwner, owner).Set(d => d.LeaseUntil, until.ToDateTimeUtc()),
            new FindOneAndUpdateOptions<CalendarConnectionDocument> { ReturnDocument = ReturnDocument.After }, cancellationToken);
        return leased?.ToDomain();
    }

    /// <inheritdoc />
    public async Task<bool> RecordAsync(CalendarConnection synced, string owner, IReadOnlyList<Interval>? busy, CancellationToken cancellationToken)
    {
        var current = await Connections.Find(Of(synced.CoachId, synced.Id) & F.Eq(d => d.LeaseOwner, owner)).FirstOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return false;
        }

        // A fresh random generation per write: buckets a sync left behind when it lost its lease can never join a later set (the next
        // successful sync removes them with every other generation).
        var generation = busy is null ? current.BusyGeneration : Random.Shared.NextInt64(1, long.MaxValue);
        if (busy is not null)
        {
            var buckets = BusyBucketDocument.Of(synced.Id, synced.CoachId, generation, busy);
            if (buckets.Count > 0)
            {
                await MongoStore.UpsertAsync(Busy, buckets, b => b.Id, cancellationToken);
            }
        }

        var recorded = await Connections.UpdateOneAsync(Of(synced.CoachId, synced.Id) & F.Eq(d => d.LeaseOwner, owner), Record(synced, generation),
            cancellationToken: cancellationToken);
        if (recorded.MatchedCount == 1 && busy is not null)
        {
            await Busy.DeleteManyAsync(B.Eq(d => d.ConnectionId, synced.Id) & B.Ne(d => d.Generation, generation), cancellationToken);
        }

        return recorded.MatchedCount == 1;
    }

    /// <summary>The update that records a sync, switches to its busy generation and frees the lease.</summary>
    public static UpdateDefinition<CalendarConnectionDocument> Record(CalendarConnection s, long generation) => Builders<CalendarConnectionDocument>.Update
        .Set(d => d.Health, (int)s.Health).Set(d => d.LastAttemptTime, s.LastAttemptTime?.ToDateTimeUtc()).Set(d => d.LastSuccessTime, s.LastSuccessTime?.ToDateTimeUtc())
        .Set(d => d.EventCount, s.EventCount).Set(d => d.BusyCount, s.BusyCount).Set(d => d.LastError, s.LastError).Set(d => d.Validator, s.Validator)
        .Set(d => d.NextSyncTime, s.NextSyncTime.ToDateTimeUtc()).Set(d => d.BusyGeneration, generation)
        .Set(d => d.LeaseOwner, null).Set(d => d.LeaseUntil, null);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExternalBusyBlock>> ListBusyAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart, Instant rangeEnd,
        CancellationToken cancellationToken)
    {
        var generations = (await Connections.Find(F.In(d => d.CoachId, coachIds)).Project(d => new { d.Id, d.BusyGeneration }).ToListAsync(cancellationToken))
            .ToDictionary(c => c.Id, c => c.BusyGeneration);
        if (generations.Count == 0)
        {
            return [];
        }

        var first = rangeStart.ToDateTimeUtc();
        var (startMs, endMs) = (rangeStart.ToUnixTimeMilliseconds(), rangeEnd.ToUnixTimeMilliseconds());
        var buckets = await Busy.Find(B.In(d => d.CoachId, coachIds) & B.Gte(d => d.Month, new DateTime(first.Year, first.Month, 1, 0, 0, 0, DateTimeKind.Utc))
            & B.Lt(d => d.Month, rangeEnd.ToDateTimeUtc())).ToListAsync(cancellationToken);
        return [.. buckets.Where(b => generations.TryGetValue(b.ConnectionId, out var g) && g == b.Generation)
            .SelectMany(b => b.Intervals.Where(i => i[1] > startMs && i[0] < endMs)
                .Select(i => new ExternalBusyBlock(b.CoachId, b.ConnectionId, new Interval(Instant.FromUnixTimeMilliseconds(i[0]), Instant.FromUnixTimeMilliseconds(i[1])))))];
    }

    private static FilterDefinition<CalendarConnectionDocument> Of(string coachId, string id) => F.Eq(d => d.Id, id) & F.Eq(d => d.CoachId, coachId);
}
