using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Outbox;
using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using Coaching.Storage.Mongo.Coaches;
using MongoDB.Bson;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Bookings;

/// <summary>
/// Indexes and filters of the bookings collection. The collection holds every kind of commitment under one claims
/// index: bookings, and cohorts (<c>kind: "cohort"</c>, see <see cref="Courses.CohortDocument"/>). Booking reads
/// select bookings only, so a cohort id sent as a booking id is simply not found.
/// </summary>
public static class BookingQueries
{
    private static readonly FilterDefinitionBuilder<BookingDocument> B = Builders<BookingDocument>.Filter;

    /// <summary>Bookings, not the other commitments sharing the collection.</summary>
    public static FilterDefinition<BookingDocument> IsBooking { get; } = B.Exists(Courses.CohortDocument.KindElement, exists: false);

    /// <summary>Active states (pending, confirmed) as stored.</summary>
    public static readonly int[] ActiveStates = [1, 2];

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

    public static FilterDefinition<BookingDocument> ById(string id) => B.Eq(d => d.Id, id) & IsBooking;

    public static FilterDefinition<BookingDocument> AtVersion(string id, long version) => B.Eq(d => d.Id, id) & B.Eq(d => d.Version, version) & IsBooking;

    public static FilterDefinition<BookingDocument> ByRequestKey(string scope, string requestId) =>
        B.Eq(d => d.RequestScope, scope) & B.Eq(d => d.RequestId, requestId) & IsBooking;

    /// <summary>Other documents holding any of <paramref name="claims"/>: bookings or cohorts.</summary>
    public static FilterDefinition<BookingDocument> Holding(IEnumerable<string> claims, string? exceptBookingId = null)
    {
        var filter = B.AnyIn(d => d.Claims, claims);
        return exceptBookingId is null ? filter : filter & B.Ne(d => d.Id, exceptBookingId);
    }

    /// <summary>
    /// The state change of a booking as one update; leaving the active states unsets the claims in the same write,
    /// so the time is free the moment the change is visible.
    /// </summary>
    public static UpdateDefinition<BookingDocument> Transition(Booking updated, Outgoing? outgoing)
    {
        var update = Builders<BookingDocument>.Update
            .Set(d => d.State, (int)updated.State)
            .Set(d => d.InviteSequence, updated.InviteSequence)
            .Push(d => d.History, NewEvent(updated))
            .Set(d => d.UpdateTime, updated.UpdateTime.ToDateTimeUtc())
            .Set(d => d.Version, updated.Version);
        update = Record(update, outgoing);
        return updated.IsActive ? update : update.Unset(d => d.Claims);
    }

    /// <summary>A move: new times and the new claims replace the old ones in one single-document update.</summary>
    public static UpdateDefinition<BookingDocument> Move(Booking moved, IReadOnlyList<string> claims, Outgoing? outgoing)
    {
        var update = Builders<BookingDocument>.Update
            .Set(d => d.StartTime, moved.Start.ToDateTimeUtc())
            .Set(d => d.EndTime, moved.End.ToDateTimeUtc())
            .Set(d => d.BlockStart, moved.BlockStart.ToDateTimeUtc())
            .Set(d => d.BlockEnd, moved.BlockEnd.ToDateTimeUtc())
            .Set(d => d.BufferBeforeSeconds, (long)moved.BufferBefore.TotalSeconds)
            .Set(d => d.BufferAfterSeconds, (long)moved.BufferAfter.TotalSeconds)
            .Set(d => d.Claims, [.. claims])
            .Push(d => d.History, NewEvent(moved))
            .Set(d => d.InviteSequence, moved.InviteSequence)
            .Set(d => d.UpdateTime, moved.UpdateTime.ToDateTimeUtc())
            .Set(d => d.Version, moved.Version);
        return Record(update, outgoing);
    }

    // What the change sends out rides in the same single-document update: the invite, and the outbox entry that the relay
    // (MongoOutboxStore) later moves into the ordered log.
    private static UpdateDefinition<BookingDocument> Record(UpdateDefinition<BookingDocument> update, Outgoing? outgoing)
    {
        if (outgoing?.Invite is { } invite)
        {
            update = update.Push(d => d.Invites, InviteDocument.From(invite));
        }

        return outgoing?.Entry is { } entry
            ? update.Push(d => d.Outbox, OutboxEntryDocument.From(entry)).Set(d => d.OutboxPending, true)
            : update;
    }

    // Every change of a booking appends exactly one event to its history (see Booking); the document may hold only the newest
    // events, so the change pushes that one rather than setting the whole list.
    private static BookingEventDocument NewEvent(Booking changed) => BookingEventDocument.From(changed.History[^1]);

    /// <summary>Reads of bookings leave the stored messages behind; only ListInvites needs them.</summary>
    public static ProjectionDefinition<BookingDocument, BookingDocument> WithoutInvites { get; } =
        Builders<BookingDocument>.Projection.Exclude(d => d.Invites);

    public static FilterDefinition<BookingDocument> List(BookingQuery q)
    {
        var filter = IsBooking;
        if (q.CoachId is not null)
        {
            filter &= B.Eq(d => d.CoachId, q.CoachId);
        }

        if (q.ClientId is not null)
        {
            filter &= B.Eq(d => d.ClientId, q.ClientId);
        }

        if (q.States.Count > 0)
        {
            filter &= B.In(d => d.State, q.States.Select(s => (int)s));
        }

        if (q.StartFrom is { } from)
        {
            filter &= B.Gte(d => d.StartTime, from.ToDateTimeUtc());
        }

        if (q.StartBefore is { } before)
        {
            filter &= B.Lt(d => d.StartTime, before.ToDateTimeUtc());
        }

        if (q.After is { } after)
        {
            var at = after.Start.ToDateTimeUtc();
            filter &= B.Gt(d => d.StartTime, at) | (B.Eq(d => d.StartTime, at) & B.Gt(d => d.Id, after.Id));
        }

        return filter;
    }

    /// <summary>Active bookings of the coaches whose blocked time overlaps <c>[start, end)</c>.</summary>
    public static FilterDefinition<BookingDocument> Busy(IEnumerable<string> coachIds, Instant start, Instant end) =>
        B.In(d => d.CoachId, coachIds)
        & B.In(d => d.State, ActiveStates)
        & B.Gt(d => d.BlockStart, (start - Offering.LongestBlock).ToDateTimeUtc())
        & B.Lt(d => d.BlockStart, end.ToDateTimeUtc())
        & B.Gt(d => d.BlockEnd, start.ToDateTimeUtc());
}
