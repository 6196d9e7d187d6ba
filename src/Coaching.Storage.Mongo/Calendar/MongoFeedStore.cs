using Coaching.Domain.Common;
using Coaching.Domain.Feeds;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Calendar;

/// <summary>Feeds in MongoDB: creation is an insert keyed by owner, rotation a generation-filtered update.</summary>
public sealed class MongoFeedStore(MongoStore store) : IFeedStore
{
    public static IReadOnlyList<CreateIndexModel<FeedDocument>> Indexes { get; } =
    [
        new(Builders<FeedDocument>.IndexKeys.Ascending("token_hash"), new CreateIndexOptions { Name = "token_hash_unique", Unique = true }),
    ];

    /// <inheritdoc />
    public async Task<byte[]> GetOrCreateSecretAsync(byte[] candidate, CancellationToken cancellationToken)
    {
        var id = new BsonDocument("_id", "feed_secret");
        // Upsert with $setOnInsert: the first instance's candidate is stored, every later call reads it back.
        var stored = await store.Settings.FindOneAndUpdateAsync<BsonDocument>(id,
            new BsonDocument("$setOnInsert", new BsonDocument("value", new BsonBinaryData(candidate))),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, cancellationToken);
        return stored["value"].AsByteArray;
    }

    /// <inheritdoc />
    public async Task<FeedRecord?> GetAsync(string owner, CancellationToken cancellationToken) =>
        (await store.Feeds.Find(d => d.Owner == owner).FirstOrDefaultAsync(cancellationToken))?.ToDomain();

    /// <inheritdoc />
    public async Task<FeedRecord> CreateAsync(FeedRecord feed, CancellationToken cancellationToken)
    {
        try
        {
            await store.Feeds.InsertOneAsync(FeedDocument.From(feed), cancellationToken: cancellationToken);
            return feed;
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            return (await GetAsync(feed.Owner, cancellationToken))!;
        }
    }

    /// <inheritdoc />
    public async Task<FeedRecord> RotateAsync(FeedRecord rotated, int expectedGeneration, CancellationToken cancellationToken)
    {
        var result = await store.Feeds.UpdateOneAsync(d => d.Owner == rotated.Owner && d.Generation == expectedGeneration,
            Builders<FeedDocument>.Update.Set(d => d.Generation, rotated.Generation).Set(d => d.TokenHash, rotated.TokenHash)
                .Set(d => d.RotateTime, rotated.RotateTime.ToDateTimeUtc()), cancellationToken: cancellationToken);
        return result.MatchedCount == 1 ? rotated : throw Fail.StaleEtagError($"{rotated.Owner}/feed");
    }

    /// <inheritdoc />
    public async Task<string?> FindOwnerAsync(string tokenHash, CancellationToken cancellationToken) =>
        (await store.Feeds.Find(d => d.TokenHash == tokenHash).FirstOrDefaultAsync(cancellationToken))?.Owner;
}
