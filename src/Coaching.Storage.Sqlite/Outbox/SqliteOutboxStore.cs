using System.Text.Json;
using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Coaching.Storage.Sqlite.Outbox;

/// <summary>
/// The outbox in SQLite. Entries are appended by the stores' own write transactions (see <see cref="OutboxRows"/>); here, fan-out
/// records deliveries and moves the cursor in one transaction, and a lease is one conditional UPDATE, so several processes on
/// one file never deliver the same message at the same time, and a process that dies leaves leases that simply run out.
/// </summary>
public sealed class SqliteOutboxStore(SqliteDatabase database) : IOutboxStore
{
    internal const string DeliveryColumns =
        "id, position, entry_id, type, resource, channel, recipient, role, state, attempts, last_error, create_time, next_attempt";

    internal const string WebhookColumns = "id, url, event_types, active, secret, create_time";

    /// <inheritdoc />
    public Duration GapPatience => Duration.Zero; // AUTOINCREMENT gives the position in the inserting transaction

    /// <inheritdoc />
    public Task<int> RelayAsync(string owner, Instant now, Func<IReadOnlyList<LoggedEntry>, Task<IReadOnlyList<Delivery>>> plan,
        CancellationToken cancellationToken) => Task.FromResult(0);

    /// <inheritdoc />
    public async Task<IReadOnlyList<LoggedEntry>> ReadLogAsync(long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {OutboxRows.Columns} FROM outbox WHERE position > $after ORDER BY position LIMIT $limit")
            .With("$after", after).With("$limit", limit);
        return await select.ListAsync(OutboxRows.Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<(long First, long Last)> LogBoundsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // sqlite_sequence keeps the highest position ever given, even after pruning emptied the log.
        using var select = connection.Command(
            "SELECT (SELECT min(position) FROM outbox), (SELECT seq FROM sqlite_sequence WHERE name = 'outbox')");
        var rows = await select.ListAsync(r => (r.IsDBNull(0) ? 0 : r.GetInt64(0), r.IsDBNull(1) ? 0 : r.GetInt64(1)), cancellationToken);
        var (first, last) = rows[0];
        return (first == 0 ? last + 1 : first, last);
    }

    /// <inheritdoc />
    public async Task<long> FanOutCursorAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command("SELECT fanned_out FROM outbox_cursor WHERE id = 1");
        return (long)(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public Task<bool> FanOutAsync(long cursor, long through, IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var move = connection.Command("UPDATE outbox_cursor SET fanned_out = $to WHERE id = 1 AND fanned_out = $from", transaction)
                .With("$from", cursor).With("$to", through);
            if (await move.ExecuteNonQueryAsync(CancellationToken.None) == 0)
            {
                return Batched.Discard(false);
            }

            foreach (var d in deliveries)
            {
                using var insert = connection.Command(
                    $"""
                     INSERT INTO deliveries ({DeliveryColumns}, stream) VALUES ($id, $position, $entry, $type, $resource, $channel, $recipient, $role,
                         $state, $attempts, $error, $created, $next, $stream) ON CONFLICT DO NOTHING
                     """, transaction);
                Bind(insert, d).With("$stream", d.Stream);
                await insert.ExecuteNonQueryAsync(CancellationToken.None);
            }

            return Batched.Keep(true);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Delivery>> LeaseDueAsync(string owner, Instant now, Instant until, int limit, CancellationToken cancellationToken)
    {
        // Polled several times a second: a read answers "nothing due" without taking the write lock.
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            using var probe = connection.Command(
                "SELECT 1 FROM deliveries WHERE state = 1 AND next_attempt <= $now AND (lease_until IS NULL OR lease_until <= $now) LIMIT 1").With("$now", now);
            if (await probe.ExecuteScalarAsync(cancellationToken) is null)
            {
                return [];
            }
        }

        return await database.WriteAsync<IReadOnlyList<Delivery>>(async (connection, transaction) =>
        {
            using var lease = connection.Command(
                $"""
                 UPDATE deliveries SET lease_owner = $owner, lease_until = $until
                 WHERE id IN (
                     SELECT d.id FROM deliveries d
                     WHERE d.state = 1 AND d.next_attempt <= $now AND (d.lease_until IS NULL OR d.lease_until <= $now)
                       AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.state = 1 AND e.stream = d.stream AND e.position < d.position)
                     ORDER BY d.next_attempt, d.position LIMIT $limit)
                 RETURNING {DeliveryColumns}
                 """, transaction)
                .With("$owner", owner).With("$until", until).With("$now", now).With("$limit", limit);
            return Batched.Keep<IReadOnlyList<Delivery>>(await lease.ListAsync(ReadDelivery, CancellationToken.None));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxEntry>> GetEntriesAsync(IReadOnlyCollection<string> entryIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {OutboxRows.Columns} FROM outbox WHERE id IN (SELECT value FROM json_each($ids))")
            .With("$ids", JsonSerializer.Serialize([.. entryIds], OutboxJsonContext.Default.StringArray));
        return [.. (await select.ListAsync(OutboxRows.Read, cancellationToken)).Select(e => e.Entry)];
    }

    /// <inheritdoc />
    public Task<int> SettleAllAsync(string owner, IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var settled = 0;
            foreach (var s in settlements)
            {
                using var settle = connection.Command(
                    """
                    UPDATE deliveries SET state = $state, attempts = $attempts, last_error = $error, next_attempt = $next, lease_owner = NULL, lease_until = NULL
                    WHERE id = $id AND state = 1 AND lease_owner = $owner
                    """, transaction)
                    .With("$id", s.DeliveryId).With("$owner", owner).With("$state", (long)s.State).With("$attempts", s.Attempts)
                    .With("$error", s.LastError).With("$next", s.NextAttempt);
                settled += await settle.ExecuteNonQueryAsync(CancellationToken.None);
            }

            return Batched.Keep(settled);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Delivery>> ListDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"""
             SELECT {DeliveryColumns} FROM deliveries
             WHERE ($state IS NULL OR state = $state) AND ($channel IS NULL OR channel = $channel) AND ($resource IS NULL OR resource = $resource)
               AND (position, id) < ($before_position, $before_id)
             ORDER BY position DESC, id DESC LIMIT $limit
             """)
            .With("$state", (long?)query.State).With("$channel", (long?)query.Channel).With("$resource", query.Resource)
            .With("$before_position", query.Before?.Position ?? long.MaxValue).With("$before_id", query.Before?.Id ?? "\uffff")
            .With("$limit", query.Limit);
        return await select.ListAsync(ReadDelivery, cancellationToken);
    }

    /// <inheritdoc />
    public Task<(Delivery? Delivery, bool Retried)> RetryAsync(string deliveryId, Instant now, CancellationToken cancellationToken) =>
        database.WriteAsync<(Delivery?, bool)>(async (connection, transaction) =>
        {
            using var retry = connection.Command(
                "UPDATE deliveries SET state = 1, attempts = 0, next_attempt = $now, lease_owner = NULL, lease_until = NULL WHERE id = $id AND state = 3",
                transaction).With("$id", deliveryId).With("$now", now);
            var retried = await retry.ExecuteNonQueryAsync(CancellationToken.None) == 1;
            using var select = connection.Command($"SELECT {DeliveryColumns} FROM deliveries WHERE id = $id", transaction).With("$id", deliveryId);
            var rows = await select.ListAsync(ReadDelivery, CancellationToken.None);
            return Batched.Keep<(Delivery?, bool)>((rows.Count == 0 ? null : rows[0], retried));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneAsync(Instant before, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var deliveries = connection.Command("DELETE FROM deliveries WHERE state IN (2, 4) AND next_attempt < $before", transaction)
                .With("$before", before);
            var pruned = await deliveries.ExecuteNonQueryAsync(CancellationToken.None);
            // An entry goes once it is old, fanned out, and none of its deliveries remains (pending or dead ones keep it).
            using var entries = connection.Command(
                """
                DELETE FROM outbox WHERE create_time < $before AND position <= (SELECT fanned_out FROM outbox_cursor WHERE id = 1)
                  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.entry_id = outbox.id)
                """, transaction).With("$before", before);
            pruned += await entries.ExecuteNonQueryAsync(CancellationToken.None);
            return Batched.Keep(pruned);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<OutboxStats> StatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            """
            SELECT (SELECT count(*) FROM deliveries WHERE state = 1), (SELECT min(create_time) FROM deliveries WHERE state = 1),
                   (SELECT count(*) FROM deliveries WHERE state = 3),
                   (SELECT count(*) FROM outbox WHERE position > (SELECT fanned_out FROM outbox_cursor WHERE id = 1))
            """);
        var rows = await select.ListAsync(r => new OutboxStats(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInstant(1), r.GetInt64(2), r.GetInt64(3)),
            cancellationToken);
        return rows[0];
    }

    /// <inheritdoc />
    public Task<CreateResult<Webhook>> CreateWebhookAsync(Webhook webhook, IdempotencyKey? key, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (key is not null)
            {
                using var seen = connection.Command($"SELECT {WebhookColumns}, request_fingerprint FROM webhooks WHERE request_scope = $s AND request_id = $r",
                    transaction).With("$s", key.Scope).With("$r", key.RequestId);
                var found = await seen.ListAsync(r => (ReadWebhook(r), r.GetString(6)), CancellationToken.None);
                if (found.Count > 0)
                {
                    return Batched.Discard(new CreateResult<Webhook>(found[0].Item1, false, found[0].Item2));
                }
            }

            using var insert = connection.Command(
                $"""
                 INSERT INTO webhooks ({WebhookColumns}, request_scope, request_id, request_fingerprint)
                 VALUES ($id, $url, $types, $active, $secret, $created, $scope, $rid, $fingerprint)
                 """, transaction)
                .With("$id", webhook.Id).With("$url", webhook.Url)
                .With("$types", JsonSerializer.Serialize([.. webhook.EventTypes], OutboxJsonContext.Default.StringArray))
                .With("$active", webhook.Active).With("$secret", webhook.Secret).With("$created", webhook.CreateTime)
                .With("$scope", key?.Scope).With("$rid", key?.RequestId).With("$fingerprint", key?.Fingerprint);
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
            return Batched.Keep(new CreateResult<Webhook>(webhook, true, key?.Fingerprint));
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Webhook>> ListWebhooksAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {WebhookColumns} FROM webhooks WHERE id > $after ORDER BY id LIMIT $limit")
            .With("$after", afterId ?? string.Empty).With("$limit", limit);
        return await select.ListAsync(ReadWebhook, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Webhook>> ActiveWebhooksAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {WebhookColumns} FROM webhooks WHERE active = 1 ORDER BY id");
        return await select.ListAsync(ReadWebhook, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Webhook?> GetWebhookAsync(string webhookId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {WebhookColumns} FROM webhooks WHERE id = $id").With("$id", webhookId);
        var rows = await select.ListAsync(ReadWebhook, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<bool> DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var delete = connection.Command("DELETE FROM webhooks WHERE id = $id", transaction).With("$id", webhookId);
            if (await delete.ExecuteNonQueryAsync(CancellationToken.None) == 0)
            {
                return Batched.Discard(false);
            }

            using var drop = connection.Command("DELETE FROM deliveries WHERE channel = 2 AND recipient = $name AND state = 1", transaction)
                .With("$name", $"webhooks/{webhookId}");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
            return Batched.Keep(true);
        }, cancellationToken);

    private static SqliteCommand Bind(SqliteCommand command, Delivery d) => command
        .With("$id", d.Id).With("$position", d.Position).With("$entry", d.EntryId).With("$type", d.Type).With("$resource", d.Resource)
        .With("$channel", (long)d.Channel).With("$recipient", d.Recipient).With("$role", d.Role).With("$state", (long)d.State)
        .With("$attempts", d.Attempts).With("$error", d.LastError).With("$created", d.CreateTime).With("$next", d.NextAttempt);

    internal static Delivery ReadDelivery(SqliteDataReader r) => new(
        r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), (DeliveryChannel)r.GetInt64(5), r.GetString(6),
        r.GetString(7), (DeliveryState)r.GetInt64(8), r.GetInt32(9), r.GetString(10), r.GetInstant(11), r.GetInstant(12));

    internal static Webhook ReadWebhook(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), JsonSerializer.Deserialize(r.GetString(2), OutboxJsonContext.Default.StringArray)!, r.GetInt64(3) == 1,
        r.GetString(4), r.GetInstant(5));
}
