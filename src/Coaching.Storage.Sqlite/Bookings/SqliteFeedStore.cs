using Coaching.Domain.Common;
using Coaching.Domain.Feeds;

namespace Coaching.Storage.Sqlite.Bookings;

/// <summary>Feeds and the feed secret in SQLite; token lookups use the UNIQUE index on token_hash.</summary>
public sealed class SqliteFeedStore(SqliteDatabase database) : IFeedStore
{
    /// <inheritdoc />
    public async Task<byte[]> GetOrCreateSecretAsync(byte[] candidate, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var insert = connection.Command("INSERT INTO settings (name, value) VALUES ('feed_secret', $v) ON CONFLICT DO NOTHING").With("$v", candidate);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        using var select = connection.Command("SELECT value FROM settings WHERE name = 'feed_secret'");
        return (byte[])(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<FeedRecord?> GetAsync(string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command("SELECT owner, generation, token_hash, rotate_time FROM feeds WHERE owner = $o").With("$o", owner);
        var rows = await select.ListAsync(r => new FeedRecord(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetInstant(3)), cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<FeedRecord> CreateAsync(FeedRecord feed, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            using var insert = connection.Command(
                "INSERT INTO feeds (owner, generation, token_hash, rotate_time) VALUES ($o, $g, $h, $t) ON CONFLICT (owner) DO NOTHING")
                .With("$o", feed.Owner).With("$g", feed.Generation).With("$h", feed.TokenHash).With("$t", feed.RotateTime);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return (await GetAsync(feed.Owner, cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<FeedRecord> RotateAsync(FeedRecord rotated, int expectedGeneration, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var update = connection.Command(
            "UPDATE feeds SET generation = $g, token_hash = $h, rotate_time = $t WHERE owner = $o AND generation = $expected")
            .With("$o", rotated.Owner).With("$g", rotated.Generation).With("$h", rotated.TokenHash).With("$t", rotated.RotateTime)
            .With("$expected", expectedGeneration);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1 ? rotated : throw Fail.StaleEtagError($"{rotated.Owner}/feed");
    }

    /// <inheritdoc />
    public async Task<string?> FindOwnerAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command("SELECT owner FROM feeds WHERE token_hash = $h").With("$h", tokenHash);
        return await select.ExecuteScalarAsync(cancellationToken) as string;
    }
}
