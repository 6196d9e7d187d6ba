using System.Text.Json;
using Coaching.Domain.Events;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite.Events;

/// <summary>Event profiles in SQLite: one row each, and one <c>event_topics</c> row per topic for discovery by topic and start.</summary>
public sealed class SqliteEventStore(SqliteDatabase database) : IEventStore
{
    private const string Columns =
        "p.id, p.kind, p.title, p.description, p.topics, p.join_link, p.visibility, p.unlimited, p.recording_link, p.held_time, p.start_time, " +
        "p.create_time, p.update_time, p.version";

    /// <inheritdoc />
    public async Task<EventProfile> CreateAsync(EventProfile profile, CancellationToken cancellationToken)
    {
        var inserted = await database.WriteAsync(async (connection, transaction) =>
        {
            using var insert = Bind(connection.Command(
                """
                INSERT INTO event_profiles (id, kind, title, description, topics, join_link, visibility, unlimited, recording_link, held_time, start_time,
                    create_time, update_time, version)
                VALUES ($id, $kind, $title, $description, $topics, $join, $visibility, $unlimited, $recording, $held, $start, $created, $updated, $version)
                ON CONFLICT (id) DO NOTHING
                """, transaction), profile);
            var rows = await insert.ExecuteNonQueryAsync(cancellationToken);
            if (rows == 1)
            {
                await IndexTopicsAsync(connection, transaction, profile, cancellationToken);
            }

            return Batched.Keep(rows == 1);
        }, cancellationToken);
        return inserted ? profile : (await GetAsync([profile.Id], cancellationToken))[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventProfile>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {Columns} FROM event_profiles p WHERE p.id IN (SELECT value FROM json_each($ids)) ORDER BY p.id")
            .With("$ids", JsonSerializer.Serialize(ids));
        return await select.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> CopyAsync(EventProfile profile, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var update = Bind(connection.Command(
                """
                UPDATE event_profiles SET kind = $kind, title = $title, description = $description, topics = $topics, join_link = $join,
                    visibility = $visibility, unlimited = $unlimited, recording_link = $recording, held_time = $held, start_time = $start,
                    update_time = $updated, version = $version
                WHERE id = $id AND version < $version
                """, transaction), profile);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return Batched.Keep(false);
            }

            using var forget = connection.Command("DELETE FROM event_topics WHERE event_id = $id", transaction).With("$id", profile.Id);
            await forget.ExecuteNonQueryAsync(cancellationToken);
            await IndexTopicsAsync(connection, transaction, profile, cancellationToken);
            return Batched.Keep(true);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<EventProfile>> ListAsync(EventQuery query, CancellationToken cancellationToken)
    {
        // By topic: a range of event_topics' primary key; without: a range of the start index (held ones: the recorded index).
        var source = query.Topic is null
            ? "event_profiles p"
            : "event_topics t JOIN event_profiles p ON p.id = t.event_id";
        var start = query.Topic is null ? "p.start_time" : "t.start_time";
        var id = query.Topic is null ? "p.id" : "t.event_id";
        var sql = $"""
            SELECT {Columns} FROM {source}
            WHERE {(query.Topic is null ? "1" : "t.topic = $topic")} AND {start} >= $from AND {start} < $to
              AND ($after_start IS NULL OR ({start}, {id}) > ($after_start, $after_id))
              {(query.HeldOnly ? "AND p.held_time IS NOT NULL AND p.recording_link <> ''" : string.Empty)}
            ORDER BY {start}, {id}
            LIMIT $limit
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(sql).With("$topic", query.Topic).With("$from", query.From).With("$to", query.To)
            .With("$after_start", query.After?.Start).With("$after_id", query.After?.Id).With("$limit", query.Limit);
        return await select.ListAsync(Read, cancellationToken);
    }

    /// <summary>Profiles after <paramref name="after"/> in id order, for a copy of the whole store.</summary>
    internal async Task<IReadOnlyList<EventProfile>> PageAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {Columns} FROM event_profiles p WHERE p.id > $after ORDER BY p.id LIMIT $limit")
            .With("$after", after ?? string.Empty).With("$limit", limit);
        return await select.ListAsync(Read, cancellationToken);
    }

    private static async Task IndexTopicsAsync(SqliteConnection connection, SqliteTransaction transaction, EventProfile profile, CancellationToken ct)
    {
        foreach (var topic in profile.Topics)
        {
            using var insert = connection.Command("INSERT OR IGNORE INTO event_topics (topic, start_time, event_id) VALUES ($topic, $start, $id)", transaction)
                .With("$topic", topic).With("$start", profile.Start).With("$id", profile.Id);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static SqliteCommand Bind(SqliteCommand command, EventProfile p) => command
        .With("$id", p.Id).With("$kind", (long)p.Kind).With("$title", p.Title).With("$description", p.Description)
        .With("$topics", JsonSerializer.Serialize(p.Topics)).With("$join", p.JoinLink).With("$visibility", (long)p.Visibility)
        .With("$unlimited", p.Unlimited ? 1L : 0L).With("$recording", p.RecordingLink).With("$held", p.HeldTime).With("$start", p.Start)
        .With("$created", p.CreateTime).With("$updated", p.UpdateTime).With("$version", p.Version);

    private static EventProfile Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), Kind = (EventKind)r.GetInt64(1), Title = r.GetString(2), Description = r.GetString(3),
        Topics = JsonSerializer.Deserialize<List<string>>(r.GetString(4)) ?? [], JoinLink = r.GetString(5), Visibility = (EventVisibility)r.GetInt64(6),
        Unlimited = r.GetInt64(7) == 1, RecordingLink = r.GetString(8), HeldTime = r.IsDBNull(9) ? null : r.GetInstant(9), Start = r.GetInstant(10),
        CreateTime = r.GetInstant(11), UpdateTime = r.GetInstant(12), Version = r.GetInt64(13),
    };
}
