using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Courses;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Outbox;

/// <summary>
/// The outbox in MongoDB, without multi-document transactions. A change pushes its entry into its own document (a booking, an
/// enrolment message) in the same single-document write as the change and flags it <c>outbox_pending</c>, so a change and its
/// entry are committed together or not at all. The relay, run by one process at a time under a lease in <c>outbox_state</c>,
/// takes each flagged document's entries in order and, for each: gives it the next position (an <c>$inc</c> fenced by the lease),
/// inserts it into <c>outbox_log</c> (the entry id is the document id, so a second insert after a crash is refused), records its
/// deliveries (ids derived from the entry, inserted unordered with duplicates ignored), and only then pulls it out of its
/// document. A crash at any step leaves the entry in its document, and the next relay repeats the steps, each of which is
/// idempotent: no entry is lost, none is logged twice.
/// </summary>
public sealed class MongoOutboxStore(MongoStore store) : IOutboxStore
{
    /// <summary>How long a relay lease lasts without renewal.</summary>
    public static readonly Duration RelayLease = Duration.FromSeconds(30);

    private const int RelayBatch = 100;
    private static readonly FilterDefinitionBuilder<DeliveryDocument> D = Builders<DeliveryDocument>.Filter;

    /// <summary>Indexes of the outbox collections.</summary>
    public static IReadOnlyList<CreateIndexModel<LogDocument>> LogIndexes { get; } =
    [
        new(Builders<LogDocument>.IndexKeys.Ascending("position"), new CreateIndexOptions { Name = "position_unique", Unique = true }),
        new(Builders<LogDocument>.IndexKeys.Ascending("create_time"), new CreateIndexOptions { Name = "create_time" }),
    ];

    /// <summary>Indexes of <c>deliveries</c>: due work, stream order, listings, pruning.</summary>
    public static IReadOnlyList<CreateIndexModel<DeliveryDocument>> DeliveryIndexes { get; } =
    [
        new(Builders<DeliveryDocument>.IndexKeys.Ascending("next_attempt"),
            new CreateIndexOptions<DeliveryDocument> { Name = "due", PartialFilterExpression = D.Eq(d => d.State, (int)DeliveryState.Pending) }),
        new(Builders<DeliveryDocument>.IndexKeys.Ascending("stream").Ascending("position"),
            new CreateIndexOptions<DeliveryDocument> { Name = "pending_by_stream", PartialFilterExpression = D.Eq(d => d.State, (int)DeliveryState.Pending) }),
        new(Builders<DeliveryDocument>.IndexKeys.Descending("position").Descending("_id"), new CreateIndexOptions { Name = "by_position" }),
        new(Builders<DeliveryDocument>.IndexKeys.Ascending("resource").Descending("position").Descending("_id"), new CreateIndexOptions { Name = "by_resource" }),
        new(Builders<DeliveryDocument>.IndexKeys.Ascending("entry_id"), new CreateIndexOptions { Name = "by_entry" }),
        new(Builders<DeliveryDocument>.IndexKeys.Ascending("state").Ascending("create_time"), new CreateIndexOptions { Name = "by_state_time" }),
    ];

    /// <summary>Indexes of <c>webhooks</c>.</summary>
    public static IReadOnlyList<CreateIndexModel<WebhookDocument>> WebhookIndexes { get; } = [CoachIndexes.RequestKey<WebhookDocument>()];

    /// <summary>The relay's partial index on a collection whose documents carry entries.</summary>
    public static CreateIndexModel<T> PendingIndex<T>() => new(Builders<T>.IndexKeys.Ascending("outbox_pending"),
        new CreateIndexOptions<T> { Name = "outbox_pending", PartialFilterExpression = new BsonDocument("outbox_pending", true) });

    /// <summary>The filter of documents with entries to relay.</summary>
    public static FilterDefinition<BsonDocument> Pending { get; } = new BsonDocument("outbox_pending", true);

    /// <summary>The update that takes relayed entries out of their document.</summary>
    public static UpdateDefinition<BsonDocument> Pull(IEnumerable<string> entryIds) =>
        Builders<BsonDocument>.Update.Pull("outbox", new BsonDocument("id", new BsonDocument("$in", new BsonArray(entryIds))));

    /// <summary>The filter and update that clear the flag once the document's outbox is empty (a newer entry keeps it set).</summary>
    public static (FilterDefinition<BsonDocument> Filter, UpdateDefinition<BsonDocument> Update) ClearWhenEmpty(string id) =>
        (new BsonDocument { { "_id", id }, { "outbox", new BsonDocument("$size", 0) } },
            Builders<BsonDocument>.Update.Unset("outbox").Unset("outbox_pending"));

    /// <summary>The lease filter: free, run out, or already ours.</summary>
    public static FilterDefinition<OutboxStateDocument> LeaseFree(string owner, Instant now) =>
        Builders<OutboxStateDocument>.Filter.Eq(s => s.Id, OutboxStateDocument.LogId)
        & (Builders<OutboxStateDocument>.Filter.Eq(s => s.RelayOwner, owner) | Builders<OutboxStateDocument>.Filter.Lte(s => s.RelayUntil, now.ToDateTimeUtc()));

    /// <summary>The collections whose documents carry the entries of their changes (cohorts live in <c>bookings</c>).</summary>
    public static IReadOnlyList<string> Carriers { get; } =
        [BookingDocument.Collection, EnrolmentInviteDocument.Collection, ScheduleDocument.Collection, OverrideDocument.Collection, Events.QuestionDocument.Collection];

    /// <summary>Removes a deleted document (an override or a question: a tombstone that only carried the entry of its deletion) once its entries are relayed.</summary>
    public static FilterDefinition<BsonDocument> SpentTombstone(string id) =>
        new BsonDocument { { "_id", id }, { "outbox", new BsonDocument("$size", 0) }, { OverrideDocument.DeletedElement, true } };

    private IMongoCollection<LogDocument> Log => store.OutboxLog;

    private IMongoCollection<OutboxStateDocument> State => store.OutboxState;

    private IMongoCollection<DeliveryDocument> Deliveries => store.Deliveries;

    private IMongoCollection<WebhookDocument> Webhooks => store.Webhooks;

    /// <inheritdoc />
    /// <remarks>A relay takes a position (fenced by its lease), then inserts the entry: within its lease, a late insert still fills the gap.</remarks>
    public Duration GapPatience => RelayLease + Duration.FromSeconds(5);

    /// <inheritdoc />
    public async Task<int> RelayAsync(string owner, Instant now, Func<IReadOnlyList<LoggedEntry>, Task<IReadOnlyList<Delivery>>> plan,
        CancellationToken cancellationToken)
    {
        if (!await TakeLeaseAsync(owner, now, cancellationToken))
        {
            return 0;
        }

        var moved = 0;
        foreach (var name in Carriers)
        {
            var collection = store.Database.GetCollection<BsonDocument>(name);
            var documents = await collection.Find(Pending).Project(Builders<BsonDocument>.Projection.Include("outbox")).Limit(RelayBatch)
                .ToListAsync(cancellationToken);
            foreach (var document in documents)
            {
                var entries = document.GetValue("outbox", new BsonArray()).AsBsonArray
                    .Select(e => BsonSerializer.Deserialize<OutboxEntryDocument>(e.AsBsonDocument)).ToList();
                var relayed = new List<string>();
                foreach (var entry in entries)
                {
                    if (await LogAsync(owner, entry, plan, cancellationToken) is not true)
                    {
                        break; // the lease is lost: leave the rest to its new holder
                    }

                    relayed.Add(entry.Id);
                    moved++;
                }

                if (relayed.Count > 0)
                {
                    var id = document["_id"].AsString;
                    await collection.UpdateOneAsync(new BsonDocument("_id", id), Pull(relayed), cancellationToken: cancellationToken);
                    if (name is OverrideDocument.Collection or Events.QuestionDocument.Collection)
                    {
                        await collection.DeleteOneAsync(SpentTombstone(id), cancellationToken);
                    }

                    var (filter, update) = ClearWhenEmpty(id);
                    await collection.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
                }

                if (relayed.Count < entries.Count)
                {
                    return moved;
                }
            }
        }

        return moved;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LoggedEntry>> ReadLogAsync(long after, int limit, CancellationToken cancellationToken)
    {
        var documents = await Log.Find(Builders<LogDocument>.Filter.Gt(l => l.Position, after)).SortBy(l => l.Position).Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => new LoggedEntry(d.Position, d.Entry.ToDomain()));
    }

    /// <inheritdoc />
    public async Task<(long First, long Last)> LogBoundsAsync(CancellationToken cancellationToken)
    {
        var first = await Log.Find(FilterDefinition<LogDocument>.Empty).SortBy(l => l.Position).Limit(1).Project(l => l.Position).ToListAsync(cancellationToken);
        var last = await Log.Find(FilterDefinition<LogDocument>.Empty).SortByDescending(l => l.Position).Limit(1).Project(l => l.Position)
            .ToListAsync(cancellationToken);
        var state = await State.Find(s => s.Id == OutboxStateDocument.LogId).FirstOrDefaultAsync(cancellationToken);
        var lastPosition = last.Count == 0 ? state?.LastPosition ?? 0 : last[0];
        return (first.Count == 0 ? lastPosition + 1 : first[0], lastPosition);
    }

    /// <inheritdoc />
    /// <remarks>The relay records deliveries as it logs entries, so fan-out has nothing after the log's end.</remarks>
    public async Task<long> FanOutCursorAsync(CancellationToken cancellationToken) => (await LogBoundsAsync(cancellationToken)).Last;

    /// <inheritdoc />
    public async Task<bool> FanOutAsync(long cursor, long through, IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken)
    {
        await InsertDeliveriesAsync(deliveries, cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Delivery>> LeaseDueAsync(string owner, Instant now, Instant until, int limit, CancellationToken cancellationToken)
    {
        var candidates = await Deliveries.Find(Due(now)).SortBy(d => d.NextAttempt).ThenBy(d => d.Position).Limit(limit).ToListAsync(cancellationToken);
        var leased = new List<Delivery>();
        foreach (var candidate in candidates)
        {
            // In order per stream: an earlier pending delivery of the same stream goes first.
            if (await Deliveries.Find(EarlierInStream(candidate)).AnyAsync(cancellationToken))
            {
                continue;
            }

            var taken = await Deliveries.FindOneAndUpdateAsync(D.Eq(d => d.Id, candidate.Id) & Due(now),
                Builders<DeliveryDocument>.Update.Set(d => d.LeaseOwner, owner).Set(d => d.LeaseUntil, until.ToDateTimeUtc()),
                new FindOneAndUpdateOptions<DeliveryDocument> { ReturnDocument = ReturnDocument.After }, cancellationToken);
            if (taken is not null)
            {
                leased.Add(taken.ToDomain());
            }
        }

        return leased;
    }

    /// <summary>Pending, due, and not leased (or its lease ran out).</summary>
    public static FilterDefinition<DeliveryDocument> Due(Instant now) =>
        D.Eq(d => d.State, (int)DeliveryState.Pending) & D.Lte(d => d.NextAttempt, now.ToDateTimeUtc())
        & (D.Eq(d => d.LeaseUntil, null) | D.Lte(d => d.LeaseUntil, now.ToDateTimeUtc()));

    /// <summary>A pending delivery of the same stream with an earlier position.</summary>
    public static FilterDefinition<DeliveryDocument> EarlierInStream(DeliveryDocument delivery) =>
        D.Eq(d => d.State, (int)DeliveryState.Pending) & D.Eq(d => d.Stream, delivery.Stream) & D.Lt(d => d.Position, delivery.Position);

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxEntry>> GetEntriesAsync(IReadOnlyCollection<string> entryIds, CancellationToken cancellationToken)
    {
        var documents = await Log.Find(Builders<LogDocument>.Filter.In(l => l.Id, entryIds)).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.Entry.ToDomain());
    }

    /// <inheritdoc />
    public async Task<int> SettleAllAsync(string owner, IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken)
    {
        if (settlements.Count == 0)
        {
            return 0;
        }

        var result = await Deliveries.BulkWriteAsync(settlements.Select(s => new UpdateOneModel<DeliveryDocument>(
            D.Eq(d => d.Id, s.DeliveryId) & D.Eq(d => d.State, (int)DeliveryState.Pending) & D.Eq(d => d.LeaseOwner, owner),
            Builders<DeliveryDocument>.Update.Set(d => d.State, (int)s.State).Set(d => d.Attempts, s.Attempts).Set(d => d.LastError, s.LastError)
                .Set(d => d.NextAttempt, s.NextAttempt.ToDateTimeUtc()).Unset(d => d.LeaseOwner).Unset(d => d.LeaseUntil))),
            new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        return (int)result.ModifiedCount;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Delivery>> ListDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        var documents = await Deliveries.Find(ListFilter(query)).SortByDescending(d => d.Position).ThenByDescending(d => d.Id).Limit(query.Limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <summary>The filter of a delivery listing.</summary>
    public static FilterDefinition<DeliveryDocument> ListFilter(DeliveryQuery query)
    {
        var filter = D.Empty;
        if (query.State is { } state)
        {
            filter &= D.Eq(d => d.State, (int)state);
        }

        if (query.Channel is { } channel)
        {
            filter &= D.Eq(d => d.Channel, (int)channel);
        }

        if (query.Resource is { } resource)
        {
            filter &= D.Eq(d => d.Resource, resource);
        }

        if (query.Before is { } before)
        {
            filter &= D.Lt(d => d.Position, before.Position) | (D.Eq(d => d.Position, before.Position) & D.Lt(d => d.Id, before.Id));
        }

        return filter;
    }

    /// <inheritdoc />
    public async Task<(Delivery? Delivery, bool Retried)> RetryAsync(string deliveryId, Instant now, CancellationToken cancellationToken)
    {
        var retried = await Deliveries.FindOneAndUpdateAsync(D.Eq(d => d.Id, deliveryId) & D.Eq(d => d.State, (int)DeliveryState.Dead),
            Builders<DeliveryDocument>.Update.Set(d => d.State, (int)DeliveryState.Pending).Set(d => d.Attempts, 0)
                .Set(d => d.NextAttempt, now.ToDateTimeUtc()).Unset(d => d.LeaseOwner).Unset(d => d.LeaseUntil),
            new FindOneAndUpdateOptions<DeliveryDocument> { ReturnDocument = ReturnDocument.After }, cancellationToken);
        if (retried is not null)
        {
            return (retried.ToDomain(), true);
        }

        var current = await Deliveries.Find(D.Eq(d => d.Id, deliveryId)).FirstOrDefaultAsync(cancellationToken);
        return (current?.ToDomain(), false);
    }

    /// <inheritdoc />
    public async Task<int> PruneAsync(Instant before, CancellationToken cancellationToken)
    {
        var cutoff = before.ToDateTimeUtc();
        var done = await Deliveries.DeleteManyAsync(D.In(d => d.State, [(int)DeliveryState.Delivered, (int)DeliveryState.Skipped]) & D.Lt(d => d.NextAttempt, cutoff),
            cancellationToken);
        var old = await Log.Find(Builders<LogDocument>.Filter.Lt(l => l.CreateTime, cutoff)).Limit(1000).Project(l => l.Id).ToListAsync(cancellationToken);
        if (old.Count == 0)
        {
            return (int)done.DeletedCount;
        }

        var kept = await (await Deliveries.DistinctAsync(d => d.EntryId, D.In(d => d.EntryId, old), cancellationToken: cancellationToken))
            .ToListAsync(cancellationToken);
        var gone = await Log.DeleteManyAsync(Builders<LogDocument>.Filter.In(l => l.Id, old.Except(kept)), cancellationToken);
        return (int)(done.DeletedCount + gone.DeletedCount);
    }

    /// <inheritdoc />
    public async Task<OutboxStats> StatsAsync(CancellationToken cancellationToken)
    {
        var pending = D.Eq(d => d.State, (int)DeliveryState.Pending);
        var count = await Deliveries.CountDocumentsAsync(pending, cancellationToken: cancellationToken);
        var oldest = await Deliveries.Find(pending).SortBy(d => d.CreateTime).Limit(1).Project(d => d.CreateTime).ToListAsync(cancellationToken);
        var dead = await Deliveries.CountDocumentsAsync(D.Eq(d => d.State, (int)DeliveryState.Dead), cancellationToken: cancellationToken);
        var unplanned = 0L;
        foreach (var name in Carriers)
        {
            unplanned += await store.Database.GetCollection<BsonDocument>(name).CountDocumentsAsync(Pending, cancellationToken: cancellationToken);
        }

        return new OutboxStats(count, oldest.Count == 0 ? null : Instant.FromDateTimeUtc(DateTime.SpecifyKind(oldest[0], DateTimeKind.Utc)), dead, unplanned);
    }

    /// <inheritdoc />
    public async Task<CreateResult<Webhook>> CreateWebhookAsync(Webhook webhook, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        var document = new WebhookDocument
        {
            Id = webhook.Id, Url = webhook.Url, EventTypes = [.. webhook.EventTypes], Active = webhook.Active, Secret = webhook.Secret,
            CreateTime = webhook.CreateTime.ToDateTimeUtc(), RequestScope = key?.Scope, RequestId = key?.RequestId, RequestFingerprint = key?.Fingerprint,
        };
        try
        {
            await Webhooks.InsertOneAsync(document, cancellationToken: cancellationToken);
            return new CreateResult<Webhook>(webhook, true, key?.Fingerprint);
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e) && key is not null)
        {
            var original = await Webhooks.Find(w => w.RequestScope == key.Scope && w.RequestId == key.RequestId).FirstAsync(cancellationToken);
            return new CreateResult<Webhook>(original.ToDomain(), false, original.RequestFingerprint);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Webhook>> ListWebhooksAsync(string? afterId, int limit, CancellationToken cancellationToken) =>
        (await Webhooks.Find(Builders<WebhookDocument>.Filter.Gt(w => w.Id, afterId ?? string.Empty)).SortBy(w => w.Id).Limit(limit)
            .ToListAsync(cancellationToken)).ConvertAll(w => w.ToDomain());

    /// <inheritdoc />
    public async Task<IReadOnlyList<Webhook>> ActiveWebhooksAsync(CancellationToken cancellationToken) =>
        (await Webhooks.Find(w => w.Active).SortBy(w => w.Id).ToListAsync(cancellationToken)).ConvertAll(w => w.ToDomain());

    /// <inheritdoc />
    public async Task<Webhook?> GetWebhookAsync(string webhookId, CancellationToken cancellationToken) =>
        (await Webhooks.Find(w => w.Id == webhookId).FirstOrDefaultAsync(cancellationToken))?.ToDomain();

    /// <inheritdoc />
    public async Task<bool> DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken)
    {
        var deleted = await Webhooks.DeleteOneAsync(w => w.Id == webhookId, cancellationToken);
        if (deleted.DeletedCount == 0)
        {
            return false;
        }

        await Deliveries.DeleteManyAsync(D.Eq(d => d.Channel, (int)DeliveryChannel.Webhook) & D.Eq(d => d.Recipient, $"webhooks/{webhookId}")
            & D.Eq(d => d.State, (int)DeliveryState.Pending), cancellationToken);
        return true;
    }

    // The lease document is created once; afterwards a process takes it when it is free, has run out, or is its own.
    private async Task<bool> TakeLeaseAsync(string owner, Instant now, CancellationToken ct)
    {
        var update = Builders<OutboxStateDocument>.Update.Set(s => s.RelayOwner, owner).Set(s => s.RelayUntil, (now + RelayLease).ToDateTimeUtc());
        try
        {
            var taken = await State.UpdateOneAsync(LeaseFree(owner, now), update.SetOnInsert(s => s.LastPosition, 0L),
                new UpdateOptions { IsUpsert = true }, ct);
            return taken.MatchedCount == 1 || taken.UpsertedId is not null;
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            return false; // the document exists and someone else holds the lease
        }
    }

    // Logs one entry and records its deliveries; false when the lease was lost before a position could be taken.
    private async Task<bool> LogAsync(string owner, OutboxEntryDocument entry, Func<IReadOnlyList<LoggedEntry>, Task<IReadOnlyList<Delivery>>> plan,
        CancellationToken ct)
    {
        var logged = await Log.Find(l => l.Id == entry.Id).FirstOrDefaultAsync(ct);
        if (logged is null)
        {
            var state = await State.FindOneAndUpdateAsync(
                Builders<OutboxStateDocument>.Filter.Eq(s => s.Id, OutboxStateDocument.LogId) & Builders<OutboxStateDocument>.Filter.Eq(s => s.RelayOwner, owner),
                Builders<OutboxStateDocument>.Update.Inc(s => s.LastPosition, 1L),
                new FindOneAndUpdateOptions<OutboxStateDocument> { ReturnDocument = ReturnDocument.After }, ct);
            if (state is null)
            {
                return false;
            }

            logged = new LogDocument { Id = entry.Id, Position = state.LastPosition, Entry = entry, CreateTime = entry.CreateTime };
            try
            {
                await Log.InsertOneAsync(logged, cancellationToken: ct);
            }
            catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
            {
                logged = await Log.Find(l => l.Id == entry.Id).FirstAsync(ct);
            }
        }

        await InsertDeliveriesAsync(await plan([new LoggedEntry(logged.Position, entry.ToDomain())]), ct);
        return true;
    }

    // Unordered, so one delivery recorded before a crash does not stop the others; its duplicate-key error is the expected one.
    private async Task InsertDeliveriesAsync(IReadOnlyList<Delivery> deliveries, CancellationToken ct)
    {
        if (deliveries.Count == 0)
        {
            return;
        }

        try
        {
            await Deliveries.InsertManyAsync(deliveries.Select(DeliveryDocument.From), new InsertManyOptions { IsOrdered = false }, ct);
        }
        catch (MongoBulkWriteException<DeliveryDocument> e) when (e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey)
            && e.WriteConcernError is null)
        {
        }
    }
}
