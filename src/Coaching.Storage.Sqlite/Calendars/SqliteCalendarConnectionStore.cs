using System.Text.Json;
using Coaching.Domain.Common;
using Coaching.Domain.ExternalCalendars;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Coaching.Storage.Sqlite.Calendars;

/// <summary>Calendar connections in SQLite: a row each, and one <c>external_busy</c> row per busy stretch kept from it.</summary>
public sealed class SqliteCalendarConnectionStore(SqliteDatabase database) : ICalendarConnectionStore
{
    private const string Columns =
        "id, coach_id, source, sealed_url, url_hint, health, last_attempt_time, last_success_time, event_count, busy_count, last_error, validator, " +
        "next_sync_time, lease_owner, lease_until, create_time, sealed_credentials";

    /// <inheritdoc />
    public Task<CreateResult<CalendarConnection>> CreateAsync(CalendarConnection connection, IdempotencyKey? key, CancellationToken cancellationToken) =>
        database.WriteAsync(async (db, transaction) =>
        {
            using var insert = db.Command(
                $"""
                INSERT INTO calendar_connections ({Columns}, request_scope, request_id, request_fingerprint)
                VALUES ($id, $coach, $source, $url, $hint, $health, $attempt, $success, $events, $busy, $error, $validator, $next, NULL, NULL, $created,
                    $credentials, $scope, $rid, $fingerprint)
                ON CONFLICT (request_scope, request_id) DO NOTHING
                """, transaction)
                .With("$id", connection.Id).With("$coach", connection.CoachId).With("$source", (long)connection.Source).With("$url", connection.SealedUrl).With("$hint", connection.UrlHint)
                .With("$health", (long)connection.Health).With("$attempt", connection.LastAttemptTime).With("$success", connection.LastSuccessTime).With("$events", connection.EventCount)
                .With("$busy", connection.BusyCount).With("$error", connection.LastError).With("$validator", connection.Validator).With("$next", connection.NextSyncTime)
                .With("$created", connection.CreateTime).With("$credentials", connection.SealedCredentials).With("$scope", key?.Scope).With("$rid", key?.RequestId).With("$fingerprint", key?.Fingerprint);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return Batched.Keep(new CreateResult<CalendarConnection>(connection, true, key?.Fingerprint));
            }

            using var seen = db.Command($"SELECT {Columns}, request_fingerprint FROM calendar_connections WHERE request_scope = $scope AND request_id = $rid",
                transaction).With("$scope", key!.Scope).With("$rid", key.RequestId);
            var (original, fingerprint) = (await seen.ListAsync(r => (Read(r), r.GetString(17)), cancellationToken))[0];
            return Batched.Keep(new CreateResult<CalendarConnection>(original, false, fingerprint));
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<CalendarConnection?> GetAsync(string coachId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {Columns} FROM calendar_connections WHERE id = $id AND coach_id = $coach")
            .With("$id", id).With("$coach", coachId);
        return (await select.ListAsync(Read, cancellationToken)).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CalendarConnection>> ListAsync(string coachId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {Columns} FROM calendar_connections WHERE coach_id = $coach ORDER BY id").With("$coach", coachId);
        return await select.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string coachId, string id, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var busy = connection.Command(
                "DELETE FROM external_busy WHERE connection_id = (SELECT id FROM calendar_connections WHERE id = $id AND coach_id = $coach)", transaction)
                .With("$id", id).With("$coach", coachId);
            await busy.ExecuteNonQueryAsync(cancellationToken);
            using var delete = connection.Command("DELETE FROM calendar_connections WHERE id = $id AND coach_id = $coach", transaction)
                .With("$id", id).With("$coach", coachId);
            return Batched.Keep(await delete.ExecuteNonQueryAsync(cancellationToken) == 1);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<CalendarConnection>> ListDueAsync(Instant now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"SELECT {Columns} FROM calendar_connections WHERE next_sync_time <= $now AND (lease_until IS NULL OR lease_until <= $now) ORDER BY next_sync_time LIMIT $limit")
            .With("$now", now).With("$limit", limit);
        return await select.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CalendarConnection?> LeaseAsync(string coachId, string id, string owner, Instant now, Instant until, CancellationToken cancellationToken)
    {
        var taken = await database.WriteAsync(async (connection, transaction) =>
        {
            using var lease = connection.Command(
                """
                UPDATE calendar_connections SET lease_owner = $owner, lease_until = $until
                WHERE id = $id AND coach_id = $coach AND (lease_until IS NULL OR lease_until <= $now OR lease_owner = $owner)
                """, transaction).With("$owner", owner).With("$until", until).With("$id", id).With("$coach", coachId).With("$now", now);
            return Batched.Keep(await lease.ExecuteNonQueryAsync(cancellationToken) == 1);
        }, cancellationToken);
        return taken ? await GetAsync(coachId, id, cancellationToken) : null;
    }

    /// <inheritdoc />
    public Task<bool> RecordAsync(CalendarConnection synced, string owner, IReadOnlyList<Interval>? busy, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var record = connection.Command(
                """
                UPDATE calendar_connections SET health = $health, last_attempt_time = $attempt, last_success_time = $success, event_count = $events,
                    busy_count = $busy, last_error = $error, validator = $validator, next_sync_time = $next, lease_owner = NULL, lease_until = NULL
                WHERE id = $id AND coach_id = $coach AND lease_owner = $owner
                """, transaction)
                .With("$health", (long)synced.Health).With("$attempt", synced.LastAttemptTime).With("$success", synced.LastSuccessTime).With("$events", synced.EventCount)
                .With("$busy", synced.BusyCount).With("$error", synced.LastError).With("$validator", synced.Validator).With("$next", synced.NextSyncTime)
                .With("$id", synced.Id).With("$coach", synced.CoachId).With("$owner", owner);
            if (await record.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return Batched.Keep(false);
            }

            if (busy is not null)
            {
                using var clear = connection.Command("DELETE FROM external_busy WHERE connection_id = $id", transaction).With("$id", synced.Id);
                await clear.ExecuteNonQueryAsync(cancellationToken);
                // One statement for the whole set: the intervals as a JSON array of [start, end] in Unix milliseconds.
                using var insert = connection.Command(
                    """
                    INSERT OR IGNORE INTO external_busy (connection_id, coach_id, start_time, end_time)
                    SELECT $id, $coach, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($busy)
                    """, transaction).With("$id", synced.Id).With("$coach", synced.CoachId)
                    .With("$busy", JsonSerializer.Serialize(Pieces(busy).Select(b => new[] { b.Start.ToUnixTimeMilliseconds(), b.End.ToUnixTimeMilliseconds() })));
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            return Batched.Keep(true);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ExternalBusyBlock>> ListBusyAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart, Instant rangeEnd,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            """
            SELECT coach_id, connection_id, start_time, end_time FROM external_busy
            WHERE coach_id IN (SELECT value FROM json_each($ids)) AND start_time >= $lowest AND start_time < $end AND end_time > $start
            """).With("$ids", JsonSerializer.Serialize(coachIds)).With("$start", rangeStart).With("$end", rangeEnd).With("$lowest", rangeStart - Piece);
        return await select.ListAsync(r => new ExternalBusyBlock(r.GetString(0), r.GetString(1), new Interval(r.GetInstant(2), r.GetInstant(3))), cancellationToken);
    }

    /// <summary>Connections after <paramref name="after"/> in id order with their request keys and busy time, for a copy of the whole store.</summary>
    internal static async Task<IReadOnlyList<Coaching.Domain.Migration.IExported>> ExportAsync(SqliteConnection connection, string? after, int limit,
        CancellationToken ct)
    {
        using var select = connection.Command(
            $"SELECT {Columns}, request_scope, request_id, request_fingerprint FROM calendar_connections WHERE id > $after ORDER BY id LIMIT $limit")
            .With("$after", after ?? string.Empty).With("$limit", limit);
        var rows = await select.ListAsync(r => (Connection: Read(r), Key: r.IsDBNull(17) ? null : new IdempotencyKey(r.GetString(17), r.GetString(18), r.GetString(19))), ct);
        using var busy = connection.Command(
            "SELECT connection_id, start_time, end_time FROM external_busy WHERE connection_id IN (SELECT value FROM json_each($ids)) ORDER BY connection_id, start_time")
            .With("$ids", JsonSerializer.Serialize(rows.Select(r => r.Connection.Id)));
        var pieces = (await busy.ListAsync(r => (Id: r.GetString(0), Busy: new Interval(r.GetInstant(1), r.GetInstant(2))), ct)).ToLookup(p => p.Id, p => p.Busy);
        return [.. rows.Select(r => new Coaching.Domain.Migration.ExportedCalendarConnection(r.Connection with { LeaseOwner = null, LeaseUntil = null }, r.Key,
            [.. pieces[r.Connection.Id]]))];
    }

    // No stored piece is longer than this, so a range read starts at most this far before the range.
    private static readonly Duration Piece = Duration.FromDays(1);

    private static IEnumerable<Interval> Pieces(IEnumerable<Interval> busy)
    {
        foreach (var interval in busy)
        {
            for (var start = interval.Start; start < interval.End; start += Piece)
            {
                yield return new Interval(start, Instant.Min(start + Piece, interval.End));
            }
        }
    }

    private static CalendarConnection Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), CoachId = r.GetString(1), Source = (CalendarSource)r.GetInt64(2), SealedUrl = (byte[])r.GetValue(3), UrlHint = r.GetString(4),
        Health = (ConnectionHealth)r.GetInt64(5), LastAttemptTime = r.IsDBNull(6) ? null : r.GetInstant(6), LastSuccessTime = r.IsDBNull(7) ? null : r.GetInstant(7),
        EventCount = r.GetInt32(8), BusyCount = r.GetInt32(9), LastError = r.GetString(10), Validator = r.GetString(11), NextSyncTime = r.GetInstant(12),
        LeaseOwner = r.IsDBNull(13) ? null : r.GetString(13), LeaseUntil = r.IsDBNull(14) ? null : r.GetInstant(14), CreateTime = r.GetInstant(15),
        SealedCredentials = r.IsDBNull(16) ? null : (byte[])r.GetValue(16),
    };
}
