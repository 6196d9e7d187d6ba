using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Outbox;
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
    public async Task<BookingWrite> CreateAsync(Booking booking, BookingClaims claims, IdempotencyKey key, Outgoing? outgoing,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (seats, full) = await PickSeatsAsync(claims, null, cancellationToken);
            if (seats is null)
            {
                return new BookingWrite.CapFull(full!);
            }

            try
            {
                var document = BookingDocument.From(booking, [.. claims.Cells, .. seats], key);
                if (outgoing?.Invite is { } invite)
                {
                    document.Invites.Add(InviteDocument.From(invite));
                }

                if (outgoing?.Entry is { } entry)
                {
                    document.Outbox = [OutboxEntryDocument.From(entry)];
                    document.OutboxPending = true;
                }

                await store.Bookings.InsertOneAsync(document, cancellationToken: cancellationToken);
                return new BookingWrite.Stored(booking);
            }
            catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
            {
                if (await FindByRequestKeyAsync(key, cancellationToken) is { } original)
                {
                    return new BookingWrite.RequestSeen(original.Booking, original.Fingerprint);
                }

                if (await ExplainConflictAsync(claims, null, attempt, cancellationToken) is { } refused)
                {
                    return refused;
                }

                await Backoff.DelayAsync(attempt, cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public async Task<(Booking Booking, string Fingerprint)?> FindByRequestKeyAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        var document = await store.Bookings.Find(BookingQueries.ByRequestKey(key.Scope, key.RequestId)).Project(BookingQueries.WithoutInvites)
            .FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : (await ToDomainAsync(document, cancellationToken), document.RequestFingerprint ?? string.Empty);
    }

    /// <inheritdoc />
    public async Task<Booking?> GetAsync(string bookingId, CancellationToken cancellationToken) =>
        await store.Bookings.Find(BookingQueries.ById(bookingId)).Project(BookingQueries.WithoutInvites).FirstOrDefaultAsync(cancellationToken)
            is { } document ? await ToDomainAsync(document, cancellationToken) : null;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Booking>> ListAsync(BookingQuery query, CancellationToken cancellationToken)
    {
        var documents = await store.Bookings.Find(BookingQueries.List(query))
            .Project(BookingQueries.WithoutInvites)
            .Sort(Builders<BookingDocument>.Sort.Ascending(d => d.StartTime).Ascending(d => d.Id))
            .Limit(query.Limit)
            .ToListAsync(cancellationToken);
        await RestoreHistoryAsync(documents, cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<BookingWrite> UpdateAsync(Booking updated, long expectedVersion, Outgoing? outgoing, CancellationToken cancellationToken)
    {
        var stored = await store.Bookings.FindOneAndUpdateAsync(BookingQueries.AtVersion(updated.Id, expectedVersion),
            BookingQueries.Transition(updated, outgoing), ReturnAfter, cancellationToken);
        return stored is not null ? await StoredAsync(stored, cancellationToken) : await LostWriteAsync(updated, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<BookingWrite> RescheduleAsync(Booking moved, long expectedVersion, BookingClaims claims, Outgoing? outgoing, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (seats, full) = await PickSeatsAsync(claims, moved.Id, cancellationToken);
            if (seats is null)
            {
                return new BookingWrite.CapFull(full!);
            }

            try
            {
                var stored = await store.Bookings.FindOneAndUpdateAsync(BookingQueries.AtVersion(moved.Id, expectedVersion),
                    BookingQueries.Move(moved, [.. claims.Cells, .. seats], outgoing), ReturnAfter, cancellationToken);
                return stored is not null ? await StoredAsync(stored, cancellationToken) : await LostWriteAsync(moved, cancellationToken);
            }
            catch (MongoCommandException e) when (MongoErrors.IsDuplicateKey(e))
            {
                if (await ExplainConflictAsync(claims, moved.Id, attempt, cancellationToken) is { } refused)
                {
                    return refused;
                }

                await Backoff.DelayAsync(attempt, cancellationToken);
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Invite>> ListInvitesAsync(string bookingId, CancellationToken cancellationToken)
    {
        var document = await store.Bookings.Find(BookingQueries.ById(bookingId))
            .Project<BookingDocument>(Builders<BookingDocument>.Projection.Include(d => d.Invites).Include(d => d.InvitesArchived))
            .FirstOrDefaultAsync(cancellationToken);
        if (document is null)
        {
            return [];
        }

        var records = document.InvitesArchived == 0 ? []
            : await store.BookingRecords.Find(BookingArchive.Archived([bookingId], BookingRecordDocument.InviteKind)).ToListAsync(cancellationToken);
        return [.. BookingArchive.AllInvites(document, records).OrderBy(i => i.Ordinal).Select(i => i.ToDomain())];
    }

    private async Task<Booking> ToDomainAsync(BookingDocument document, CancellationToken ct)
    {
        await RestoreHistoryAsync([document], ct);
        return document.ToDomain();
    }

    // One more query, only when some of the documents have moved events out.
    private async Task RestoreHistoryAsync(IReadOnlyList<BookingDocument> documents, CancellationToken ct)
    {
        var archiving = documents.Where(d => d.HistoryArchived > 0).Select(d => d.Id).ToList();
        if (archiving.Count > 0)
        {
            BookingArchive.Restore(documents,
                await store.BookingRecords.Find(BookingArchive.Archived(archiving, BookingRecordDocument.HistoryKind)).ToListAsync(ct));
        }
    }

    private async Task<BookingWrite> StoredAsync(BookingDocument stored, CancellationToken ct)
    {
        if (BookingArchive.IsDue(stored))
        {
            await ArchiveAsync(stored.Id, ct);
        }

        return new BookingWrite.Stored(await ToDomainAsync(stored, ct));
    }

    // The follow-up of a change that left many events in the document (see BookingArchive). It loses nothing if it fails or
    // races: the trim is pinned to what was read, so the entries stay in the document until a later follow-up.
    private async Task ArchiveAsync(string bookingId, CancellationToken ct)
    {
        try
        {
            var document = await Primary.Find(BookingQueries.ById(bookingId)).FirstOrDefaultAsync(ct);
            if (document is null || !BookingArchive.IsDue(document))
            {
                return;
            }

            var (records, filter, trim) = BookingArchive.Plan(document);
            await MongoStore.UpsertAsync(store.BookingRecords, records, r => r.Id, ct);
            await store.Bookings.UpdateOneAsync(filter, trim, cancellationToken: ct);
        }
#pragma warning disable CA1031 // A failed follow-up loses nothing; the change it follows stands.
        catch (MongoException)
#pragma warning restore CA1031
        {
        }
    }

    // Seats are chosen by reading which are held; a concurrent writer taking the same seat makes our write fail on the
    // unique index, and we choose again.
    private async Task<(IReadOnlyList<string>? Seats, CapFamily? Full)> PickSeatsAsync(BookingClaims claims, string? self, CancellationToken ct)
    {
        if (claims.Caps.Count == 0)
        {
            return ([], null);
        }

        var all = claims.Caps.SelectMany(ClaimKeys.Seats).ToList();
        var holders = await Primary.Find(BookingQueries.Holding(all, self)).Project(d => d.Claims).ToListAsync(ct);
        return ClaimKeys.PickSeats(claims.Caps, holders.Where(h => h is not null).SelectMany(h => h!).ToHashSet(StringComparer.Ordinal));
    }

    // After a duplicate key on the claims: a held cell means the time is taken (by a booking or a cohort session); otherwise a cap
    // seat was taken between our read and our write, and we pick again a few times before calling the cap full.
    private async Task<BookingWrite?> ExplainConflictAsync(BookingClaims claims, string? self, int attempt, CancellationToken ct)
    {
        if (await Primary.Find(BookingQueries.Holding(claims.Cells, self)).AnyAsync(ct))
        {
            return new BookingWrite.SlotTaken();
        }

        return attempt + 1 < CapRetries ? null
            : claims.Caps.Count > 0 ? new BookingWrite.CapFull(claims.Caps[0])
            : new BookingWrite.SlotTaken();
    }

    private async Task<BookingWrite> LostWriteAsync(Booking booking, CancellationToken ct) =>
        await Primary.Find(BookingQueries.ById(booking.Id)).AnyAsync(ct) ? new BookingWrite.Stale() : new BookingWrite.Missing();

    // Reads that decide a write, or follow a write error, must see the primary's latest state; a majority read may lag behind
    // what the unique index already holds.
    private IMongoCollection<BookingDocument> Primary => store.Bookings.WithReadConcern(ReadConcern.Local).WithReadPreference(ReadPreference.Primary);
}
