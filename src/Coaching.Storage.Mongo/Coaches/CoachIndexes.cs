using MongoDB.Bson;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Coaches;

/// <summary>Index definitions for coaches and offerings, exposed so tests can check them without a server.</summary>
public static class CoachIndexes
{
    /// <summary>Unique idempotency key, only on documents that have one.</summary>
    public static CreateIndexModel<T> RequestKey<T>(string prefix = "") => new(
        Builders<T>.IndexKeys.Ascending($"{prefix}request_scope").Ascending($"{prefix}request_id"),
        new CreateIndexOptions<T>
        {
            Name = $"{prefix}request_key_unique",
            Unique = true,
            PartialFilterExpression = new BsonDocument($"{prefix}request_id", new BsonDocument("$exists", true)),
        });

    /// <summary>Indexes on <c>coaches</c>: idempotency, and (specialty, id) so a specialty filter walks an index in page order.</summary>
    public static IReadOnlyList<CreateIndexModel<CoachDocument>> Coaches { get; } =
    [
        RequestKey<CoachDocument>(),
        new(Builders<CoachDocument>.IndexKeys.Ascending("specialties").Ascending("_id"),
            new CreateIndexOptions { Name = "specialty_id" }),
    ];

    /// <summary>Indexes on <c>offerings</c>: idempotency, and (coach, id) for a coach's offerings in page order.</summary>
    public static IReadOnlyList<CreateIndexModel<OfferingDocument>> Offerings { get; } =
    [
        RequestKey<OfferingDocument>(),
        new(Builders<OfferingDocument>.IndexKeys.Ascending("coach_id").Ascending("_id"),
            new CreateIndexOptions { Name = "coach_id" }),
    ];
}
