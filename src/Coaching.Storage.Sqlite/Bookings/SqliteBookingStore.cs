using System.Text.Json;
using System.Text.Json.Serialization;
using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using Coaching.Storage.Sqlite.Outbox;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Coaching.Storage.Sqlite.Bookings;

/// <summary>
/// Bookings in SQLite. Every write goes through the process's group-committing writer (<see cref="SqliteDatabase.WriteAsync{T}"/>):
/// one savepoint inside a <c>BEGIN IMMEDIATE</c> transaction, which holds the database's write lock (across processes sharing
/// the file). A booking row and its claim rows are inserted in the same savepoint; the primary key of <c>claims</c> rejects a
/// second claim on any cell or cap seat, which rolls that savepoint back alone, so a crash or a conflict can never leave a
/// booking without its claims or a claim without its booking.
/// </summary>
public sealed class SqliteBookingStore(SqliteDatabase database) : IBookingStore
{
    internal const string Columns =
        "id, coach_id, offering_id, client_id, start_time, end_time, buffer_before_s, buffer_after_s, coach_time_zone, agenda, state, " +
        "history, create_time, update_time, version, title, coach_name, coach_email, client_name, client_email, invite_sequence";


    /// <inheritdoc />
    public Task<BookingWrite> CreateAsync(Booking booking, BookingClaims claims, IdempotencyKey key, Outgoing? outgoing,
        CancellationToken cancellationToken)
    {
        // Everything that can be prepared off the writer is (the writer is the one thread every booking passes through).
        var history = HistoryJson(booking);
        return database.WriteAsync<BookingWrite>(async (connection, transaction) =>
        {
            try
            {
                using var insert = connection.Command(
                    $"""
                     INSERT INTO bookings ({Columns}, block_start, block_end, request_scope, request_id, request_fingerprint)
                     VALUES ($id, $coach, $offering, $client, $start, $end, $bb, $ba, $zone, $agenda, $state, $history, $created, $updated, $version,
                             $title, $coach_name, $coach_email, $client_name, $client_email, $invite_sequence,
                             $block_start, $block_end, $scope, $rid, $fingerprint)
                     """, transaction);
                Bind(insert, booking, history).With("$scope", key.Scope).With("$rid", key.RequestId).With("$fingerprint", key.Fingerprint);
                await insert.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (SqliteException e) when (e.IsUniqueViolation())
            {
                // The request was seen before: by an earlier commit or by a write earlier in this batch.
                var original = await FindByRequestKeyAsync(connection, transaction, key, CancellationToken.None)
                    ?? throw new InvalidOperationException("Unique violation on a booking insert without an earlier request.", e);
                return Batched.Discard<BookingWrite>(new BookingWrite.RequestSeen(original.Booking, original.Fingerprint));
            }

            if (await ClaimAsync(connection, transaction, booking, claims, CancellationToken.None) is { } refused)
            {
                return Batched.Discard(refused);
            }

            await RecordAsync(connection, transaction, booking.Id, outgoing, CancellationToken.None);
            return Batched.Keep<BookingWrite>(new BookingWrite.Stored(booking));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<(Booking Booking, string Fingerprint)?> FindByRequestKeyAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindByRequestKeyAsync(connection, null, key, cancellationToken);
    }

    private static async Task<(Booking Booking, string Fingerprint)?> FindByRequestKeyAsync(SqliteConnection connection, SqliteTransaction? transaction,
        IdempotencyKey key, CancellationToken cancellationToken)
    {
        using var select = connection.Command($"SELECT {Columns}, request_fingerprint FROM bookings WHERE request_scope = $scope AND request_id = $rid",
                transaction)
            .With("$scope", key.Scope).With("$rid", key.RequestId);
        var rows = await select.ListAsync(r => (Read(r), r.GetString(21)), cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<Booking?> GetAsync(string bookingId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {Columns} FROM bookings WHERE id = $id").With("$id", bookingId);
        var rows = await select.ListAsync(Read, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Booking>> ListAsync(BookingQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"""
             SELECT {Columns} FROM bookings
             WHERE ($coach IS NULL OR coach_id = $coach) AND ($client IS NULL OR client_id = $client)
               AND ($no_states OR state IN (SELECT value FROM json_each($states)))
               AND ($from IS NULL OR start_time >= $from) AND ($before IS NULL OR start_time < $before)
               AND (start_time, id) > ($after_start, $after_id)
             ORDER BY start_time, id LIMIT $limit
             """)
            .With("$coach", query.CoachId).With("$client", query.ClientId)
            .With("$no_states", query.States.Count == 0).With("$states", JsonSerializer.Serialize(query.States.Select(s => (int)s)))
            .With("$from", query.StartFrom).With("$before", query.StartBefore)
            .With("$after_start", query.After?.Start ?? Instant.MinValue).With("$after_id", query.After?.Id ?? string.Empty)
            .With("$limit", query.Limit);
        return await select.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BookingWrite> UpdateAsync(Booking updated, long expectedVersion, Outgoing? outgoing, CancellationToken cancellationToken)
    {
        var history = HistoryJson(updated);
        return database.WriteAsync(async (connection, transaction) =>
        {
            if (await StoreRowAsync(connection, transaction, updated, history, expectedVersion, CancellationToken.None) is { } lost)
            {
                return Batched.Discard(lost);
            }

            if (!updated.IsActive)
            {
                await ReleaseAsync(connection, transaction, updated.Id, CancellationToken.None);
            }

            await RecordAsync(connection, transaction, updated.Id, outgoing, CancellationToken.None);
            return Batched.Keep<BookingWrite>(new BookingWrite.Stored(updated));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BookingWrite> RescheduleAsync(Booking moved, long expectedVersion, BookingClaims claims, Outgoing? outgoing, CancellationToken cancellationToken)
    {
        var history = HistoryJson(moved);
        return database.WriteAsync(async (connection, transaction) =>
        {
            // Inside one savepoint: release the old claims, take the new ones, store the move. A refusal keeps none of it.
            if (await StoreRowAsync(connection, transaction, moved, history, expectedVersion, CancellationToken.None) is { } lost)
            {
                return Batched.Discard(lost);
            }

            await ReleaseAsync(connection, transaction, moved.Id, CancellationToken.None);
            if (await ClaimAsync(connection, transaction, moved, claims, CancellationToken.None) is { } refused)
            {
                return Batched.Discard(refused);
            }

            await RecordAsync(connection, transaction, moved.Id, outgoing, CancellationToken.None);
            return Batched.Keep<BookingWrite>(new BookingWrite.Stored(moved));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Invite>> ListInvitesAsync(string bookingId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            "SELECT ordinal, method, sequence, uid, content, create_time FROM invites WHERE booking_id = $id ORDER BY ordinal").With("$id", bookingId);
        return await select.ListAsync(r => new Invite(r.GetInt32(0), (InviteMethod)r.GetInt64(1), r.GetInt32(2), r.GetString(3),
            (byte[])r.GetValue(4), r.GetInstant(5)), cancellationToken);
    }

    // The invite and the outbox entry go in the savepoint of the change: committed with it or not at all.
    private static async Task RecordAsync(SqliteConnection connection, SqliteTransaction transaction, string bookingId, Outgoing? outgoing,
        CancellationToken ct)
    {
        await OutboxRows.AppendAsync(connection, transaction, outgoing?.Entry, ct);
        if (outgoing?.Invite is not { } invite)
        {
            return;
        }

        using var insert = connection.Command(
            "INSERT INTO invites (booking_id, ordinal, method, sequence, uid, content, create_time) VALUES ($b, $o, $m, $s, $u, $c, $t)", transaction)
            .With("$b", bookingId).With("$o", invite.Ordinal).With("$m", (long)invite.Method).With("$s", invite.Sequence)
            .With("$u", invite.Uid).With("$c", invite.Content).With("$t", invite.CreateTime);
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Stores the booking row at the expected version; Stale or Missing when it matched none.</summary>
    private static async Task<BookingWrite?> StoreRowAsync(SqliteConnection connection, SqliteTransaction transaction, Booking booking, string history,
        long expectedVersion,
        CancellationToken ct)
    {
        using var update = connection.Command(
            """
            UPDATE bookings SET start_time = $start, end_time = $end, buffer_before_s = $bb, buffer_after_s = $ba, block_start = $block_start,
                block_end = $block_end, state = $state, history = $history, update_time = $updated, version = $version,
                invite_sequence = $invite_sequence
            WHERE id = $id AND version = $expected
            """, transaction);
        Bind(update, booking, history).With("$expected", expectedVersion);
        if (await update.ExecuteNonQueryAsync(ct) == 0)
        {
            using var probe = connection.Command("SELECT 1 FROM bookings WHERE id = $id", transaction).With("$id", booking.Id);
            return await probe.ExecuteScalarAsync(ct) is null ? new BookingWrite.Missing() : new BookingWrite.Stale();
        }

        return null;
    }

    private static Task ReleaseAsync(SqliteConnection connection, SqliteTransaction transaction, string bookingId, CancellationToken ct) =>
        ClaimRows.ReleaseAsync(connection, transaction, ClaimRows.Owner.Booking, bookingId, ct);

    /// <summary>Inserts the cells and one free seat per cap family; SlotTaken or CapFull (nothing committed) when refused.</summary>
    private static async Task<BookingWrite?> ClaimAsync(SqliteConnection connection, SqliteTransaction transaction, Booking booking, BookingClaims claims,
        CancellationToken ct)
    {
        if (!await ClaimRows.TryInsertAsync(connection, transaction, ClaimRows.Owner.Booking, booking.Id, claims.Cells, ct))
        {
            return new BookingWrite.SlotTaken();
        }

        // The write lock is held, so the seats read here cannot change before the inserts below.
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in claims.Caps)
        {
            using var taken = connection.Command("SELECT claim FROM claims WHERE claim >= $low AND claim < $high", transaction)
                .With("$low", $"{family.Prefix}|").With("$high", $"{family.Prefix}}}");
            held.UnionWith(await taken.ListAsync(r => r.GetString(0), ct));
        }

        var (seats, full) = ClaimKeys.PickSeats(claims.Caps, held);
        if (seats is null)
        {
            return new BookingWrite.CapFull(full!);
        }

        // The seats were free under the write lock; a failure here would be a bug, not a race.
        return await ClaimRows.TryInsertAsync(connection, transaction, ClaimRows.Owner.Booking, booking.Id, seats, ct)
            ? null
            : throw new InvalidOperationException($"A free cap seat of {booking.Name} was taken under the write lock.");
    }

    private static string HistoryJson(Booking booking) =>
        JsonSerializer.Serialize([.. booking.History.Select(HistoryRow.From)], HistoryJsonContext.Default.HistoryRowArray);

    private static SqliteCommand Bind(SqliteCommand command, Booking b, string history) => command
        .With("$id", b.Id).With("$coach", b.CoachId).With("$offering", b.OfferingId).With("$client", b.ClientId)
        .With("$start", b.Start).With("$end", b.End).With("$bb", b.BufferBefore).With("$ba", b.BufferAfter)
        .With("$zone", b.CoachTimeZoneId).With("$agenda", b.Agenda).With("$state", (long)b.State)
        .With("$history", history)
        .With("$created", b.CreateTime).With("$updated", b.UpdateTime).With("$version", b.Version)
        .With("$block_start", b.BlockStart).With("$block_end", b.BlockEnd)
        .With("$title", b.Title).With("$coach_name", b.CoachName).With("$coach_email", b.CoachEmail)
        .With("$client_name", b.ClientName).With("$client_email", b.ClientEmail).With("$invite_sequence", b.InviteSequence);

    internal static Booking Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        CoachId = r.GetString(1),
        OfferingId = r.GetString(2),
        ClientId = r.GetString(3),
        Start = r.GetInstant(4),
        End = r.GetInstant(5),
        BufferBefore = r.GetSeconds(6),
        BufferAfter = r.GetSeconds(7),
        CoachTimeZoneId = r.GetString(8),
        Agenda = r.GetString(9),
        State = (BookingState)r.GetInt64(10),
        History = [.. JsonSerializer.Deserialize(r.GetString(11), HistoryJsonContext.Default.HistoryRowArray)!.Select(h => h.ToDomain())],
        CreateTime = r.GetInstant(12),
        UpdateTime = r.GetInstant(13),
        Version = r.GetInt64(14),
        Title = r.GetString(15),
        CoachName = r.GetString(16),
        CoachEmail = r.GetString(17),
        ClientName = r.GetString(18),
        ClientEmail = r.GetString(19),
        InviteSequence = r.GetInt32(20),
    };
}

/// <summary>One history event as the <c>history</c> column's JSON holds it (camelCase, times in Unix milliseconds).</summary>
internal sealed record HistoryRow(int State, string Actor, long Time, string Reason, long? PreviousStart, string? RequestId)
{
    public static HistoryRow From(BookingEvent e) => new((int)e.State, e.Actor, e.Time.ToUnixTimeMilliseconds(), e.Reason,
        e.PreviousStart?.ToUnixTimeMilliseconds(), e.RequestId);

    public BookingEvent ToDomain() => new((BookingState)State, Actor, Instant.FromUnixTimeMilliseconds(Time), Reason,
        PreviousStart is { } p ? Instant.FromUnixTimeMilliseconds(p) : null, RequestId);
}

/// <summary>Compile-time JSON for the history column: no reflection on the booking path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HistoryRow[]))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;
