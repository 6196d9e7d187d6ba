using Coaching.Domain.Common;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Coaching.Storage.Sqlite;

/// <summary>Small ADO.NET helpers so store code reads as SQL plus parameters.</summary>
internal static class SqliteCommands
{
    public const int UniqueViolation = 2067; // SQLITE_CONSTRAINT_UNIQUE
    public const int PrimaryKeyViolation = 1555; // SQLITE_CONSTRAINT_PRIMARYKEY

    /// <summary>
    /// A command for <paramref name="sql"/>; on a connection of the database's pool, the one compiled the last time this text ran
    /// there (dispose it as usual: that hands it back).
    /// </summary>
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        if (connection is PooledConnection pooled)
        {
            return pooled.Rent(sql, transaction);
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        object stored = value switch
        {
            null => DBNull.Value,
            Instant instant => instant.ToUnixTimeMilliseconds(),
            Duration duration => (long)duration.TotalSeconds,
            bool flag => flag ? 1L : 0L,
            _ => value,
        };
        if (command is PooledConnection.ReusableCommand reusable)
        {
            reusable.Set(name, stored);
        }
        else
        {
            command.Parameters.AddWithValue(name, stored);
        }

        return command;
    }

    public static bool IsUniqueViolation(this SqliteException exception) =>
        exception.SqliteExtendedErrorCode is UniqueViolation or PrimaryKeyViolation;

    public static Instant GetInstant(this SqliteDataReader reader, int ordinal) =>
        Instant.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    public static Duration GetSeconds(this SqliteDataReader reader, int ordinal) =>
        Duration.FromSeconds(reader.GetInt64(ordinal));

    public static async Task<List<T>> ListAsync<T>(this SqliteCommand command, Func<SqliteDataReader, T> map, CancellationToken ct)
    {
        var items = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(map(reader));
        }

        return items;
    }

    /// <summary>
    /// Tells a lost conditional write apart: NOT_FOUND when the row is gone (or deleted), ABORTED when it
    /// exists at another version.
    /// </summary>
    public static async Task FailConditionalWriteAsync(SqliteConnection connection, SqliteTransaction? transaction,
        string table, string id, string resourceName, CancellationToken ct)
    {
        using var probe = connection.Command($"SELECT 1 FROM {table} WHERE id = $id AND delete_time IS NULL", transaction).With("$id", id);
        if (await probe.ExecuteScalarAsync(ct) is null)
        {
            Fail.NotFound(resourceName);
        }

        Fail.StaleEtag(resourceName);
    }
}
