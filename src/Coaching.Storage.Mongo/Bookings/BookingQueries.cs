using Coaching.Storage.Mongo.Coaches;
using MongoDB.Bson;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Bookings;

/// <summary>Indexes and filters of the bookings collection.</summary>
public static class BookingQueries
{
    private static readonly FilterDefinitionBuilder<BookingDocument> B = Builders<BookingDocument>.Filter;

    /// <summary>Active states (pending, confirmed) as stored.</summary>
    public static readonly int[] ActiveStates = [1, 2];

    /// <summary>Longest blocked time of one booking: bounds the index range of busy-time reads.</summary>
    public static readonly Duration LongestBlock = Duration.FromHours(16);

    public static IReadOnlyList<CreateIndexModel<BookingDocument>> Indexes { get; } =
    [
        CoachIndexes.RequestKey<BookingDocument>(),
        // The no-double-booking guarantee: claim keys are unique across all documents that have them.
        new(Builders<BookingDocument>.IndexKeys.Ascending("claims"), new CreateIndexOptions<BookingDocument>
        {
            Name = "claims_unique",
            Unique = true,
            PartialFilterExpression = new BsonDocument("claims", new BsonDocument("$exists", true)),
        }),
        new(Builders<BookingDocument>.IndexKeys.Ascending("coach_id").Ascending("block_start"), new CreateIndexOptions<BookingDocument>
        {
            Name = "active_by_coach",
            PartialFilterExpression = new BsonDocument("state", new BsonDocument("$in", new BsonArray(ActiveStates))),
        }),
        new(Builders<BookingDocument>.IndexKeys.Ascending("client_id").Ascending("start_time").Ascending("_id"),
            new CreateIndexOptions { Name = "by_client" }),
        new(Builders<BookingDocument>.IndexKeys.Ascending("coach_id").Ascending("start_time").Ascending("_id"),
            new CreateIndexOptions { Name = "by_coach" }),
        new(Builders<BookingDocument>.IndexKeys.Ascending("start_time").Ascending("_id"),
            new CreateIndexOptions { Name = "by_start" }),
    ];

    /// <summary>Active bookings of the coaches whose blocked time overlaps <c>[start, end)</c>.</summary>
    public static FilterDefinition<BookingDocument> Busy(IEnumerable<string> coachIds, Instant start, Instant end) =>
        B.In(d => d.CoachId, coachIds)
        & B.In(d => d.State, ActiveStates)
        & B.Gt(d => d.BlockStart, (start - LongestBlock).ToDateTimeUtc())
        & B.Lt(d => d.BlockStart, end.ToDateTimeUtc())
        & B.Gt(d => d.BlockEnd, start.ToDateTimeUtc());
}
