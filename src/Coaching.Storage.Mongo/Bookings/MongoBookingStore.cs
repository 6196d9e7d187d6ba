using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Bookings;

/// <summary>
/// Bookings in MongoDB, each change a single-document atomic write, no multi-document transactions. A booking
/// document carries its claims (time cells and cap seats) under the unique multikey index <c>claims_unique</c>, so
/// the insert of the booking is the overlap check: booking and claims are one document and cannot be separated by
/// a crash. State changes and moves are <c>findOneAndUpdate</c>s filtered on the version; a move replaces the claims
/// array in that update, which the unique index checks before anything becomes visible.
/// </summary>
public sealed class MongoBookingStore(MongoStore store) : IBookingStore
{
    private const int CapRetries = 5;
    private static readonly FindOneAndUpdateOptions<BookingDocument> ReturnAfter = new()
    {
        ReturnDocument = ReturnDocument.After,
        Projection = BookingQueries.WithoutInvites,
    };

    /// <inheritdoc />
    public async Task<CreateResult<Booking>> CreateAsync(Booking booking, BookingClaims claims, IdempotencyKey key, Invite? invite,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var seats = await PickSeatsAsync(booking, claims, null, cancellationToken).ConfigureAwait(false);
            try
            {
                var document = BookingDocument.From(booking, [.. claims.Cells, .. seats], key);
                if (invite is not null)
                {
                    document.Invites.Add(InviteDocument.From(invite));
                }

                await store.Bookings.InsertOneAsync(document, cancellationToken: cancellationToken).ConfigureAwait(false);
                return new CreateResult<Booking>(booking, true, key.Fingerprint);
            }
            catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
            {
                if (await FindByRequestKeyAsync(key, cancellationToken).ConfigureAwait(false) is { } original)
                {
                    return new CreateResult<Booking>(original.Booking, false, original.Fingerprint);
                }

                await ExplainConflictAsync(booking, claims, null, attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<(Booking Booking, string Fingerprint)?> FindByRequestKeyAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        var document = await store.Bookings.Find(BookingQueries.ByRequestKey(key.Scope, key.RequestId)).Project(BookingQueries.WithoutInvites)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : (document.ToDomain(), document.RequestFingerprint ?? string.Empty);
    }

    /// <inheritdoc />
    public async Task<Booking?> GetAsync(string bookingId, CancellationToken cancellationToken) =>
        (await store.Bookings.Find(BookingQueries.ById(bookingId)).Project(BookingQueries.WithoutInvites).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false))?.ToDomain();

    /// <inheritdoc />
    public async Task<IReadOnlyList<Booking>> ListAsync(BookingQuery query, CancellationToken cancellationToken)
    {
        var documents = await store.Bookings.Find(BookingQueries.List(query))
            .Project(BookingQueries.WithoutInvites)
            .Sort(Builders<BookingDocument>.Sort.Ascending(d => d.StartTime).Ascending(d => d.Id))
            .Limit(query.Limit)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<Booking> UpdateAsync(Booking updated, long expectedVersion, Invite? invite, CancellationToken cancellationToken)
    {
        var stored = await store.Bookings.FindOneAndUpdateAsync(BookingQueries.AtVersion(updated.Id, expectedVersion),
            BookingQueries.Transition(updated, invite), ReturnAfter, cancellationToken).ConfigureAwait(false);
        return stored?.ToDomain() ?? throw await LostWriteAsync(updated, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Booking> RescheduleAsync(Booking moved, long expectedVersion, BookingClaims claims, Invite? invite, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var seats = await PickSeatsAsync(moved, claims, moved.Id, cancellationToken).ConfigureAwait(false);
            try
            {
                var stored = await store.Bookings.FindOneAndUpdateAsync(BookingQueries.AtVersion(moved.Id, expectedVersion),
                    BookingQueries.Move(moved, [.. claims.Cells, .. seats], invite), ReturnAfter, cancellationToken).ConfigureAwait(false);
                return stored?.ToDomain() ?? throw await LostWriteAsync(moved, cancellationToken).ConfigureAwait(false);
            }
            catch (MongoCommandException e) when (e.Code == 11000)
            {
                await ExplainConflictAsync(moved, claims, moved.Id, attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Invite>> ListInvitesAsync(string bookingId, CancellationToken cancellationToken)
    {
        var invites = await store.Bookings.Find(BookingQueries.ById(bookingId)).Project(d => d.Invites)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return invites is null ? [] : [.. invites.OrderBy(i => i.Ordinal).Select(i => i.ToDomain())];
    }

    // Seats are chosen by reading which are held; a concurrent writer taking the same seat makes our write fail on the
    // unique index, and we choose again.
    private async Task<List<string>> PickSeatsAsync(Booking booking, BookingClaims claims, string? self, CancellationToken ct)
    {
        var seats = new List<string>();
        if (claims.Caps.Count == 0)
        {
            return seats;
        }

        var all = claims.Caps.SelectMany(ClaimKeys.Seats).ToList();
        var holders = await store.Bookings.Find(BookingQueries.Holding(all, self)).Project(d => d.Claims).ToListAsync(ct).ConfigureAwait(false);
        var used = holders.Where(h => h is not null).SelectMany(h => h!).ToHashSet(StringComparer.Ordinal);
        foreach (var family in claims.Caps)
        {
            seats.Add(ClaimKeys.Seats(family).FirstOrDefault(s => !used.Contains(s))
                ?? throw BookingErrors.LimitReached(ResourceNames.Coach(booking.CoachId)));
        }

        return seats;
    }

    private async Task ExplainConflictAsync(Booking booking, BookingClaims claims, string? self, int attempt, CancellationToken ct)
    {
        if (await store.Bookings.Find(BookingQueries.Holding(claims.Cells, self)).AnyAsync(ct).ConfigureAwait(false))
        {
            throw BookingErrors.SlotUnavailable(ResourceNames.Coach(booking.CoachId));
        }

        if (attempt + 1 >= CapRetries)
        {
            throw BookingErrors.LimitReached(ResourceNames.Coach(booking.CoachId));
        }
    }

    private Task<DomainException> LostWriteAsync(Booking booking, CancellationToken ct) =>
        LostWrite.ExplainAsync(store.Bookings, BookingQueries.ById(booking.Id), booking.Name, ct);
}
