using Coaching.Domain.Common;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite;

/// <summary>
/// The embedded store's database file: opens pooled connections with the pragmas every connection needs
/// and migrates the schema (tracked in <c>PRAGMA user_version</c>) once at start-up. Safe to share between
/// several processes: SQLite's file locks serialise writers, WAL lets readers proceed meanwhile.
/// </summary>
public sealed class SqliteDatabase : IStoreHealth, IStoreInitializer
{
    private readonly string _connectionString;

    /// <summary>Creates a handle for the database file at <paramref name="path"/> (created on first use).</summary>
    public SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Writers queue instead of failing: SQLite's busy handler waits (busy_timeout, set per connection), and
            // Microsoft.Data.Sqlite retries a busy statement until this many seconds pass.
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Path of the database file.</summary>
    public string Path { get; }

    /// <summary>Opens a connection with foreign keys on.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => MigrateAsync(cancellationToken);

    /// <summary>Switches the file to WAL and applies pending migrations in one immediate transaction.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var current = Convert.ToInt32(await Scalar(connection, transaction, "PRAGMA user_version;", cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (version, sql) in Schema.Migrations)
        {
            if (version <= current)
            {
                continue;
            }

            await Scalar(connection, transaction, sql, cancellationToken);
            await Scalar(connection, transaction, $"PRAGMA user_version = {version};", cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The schema version the file is at.</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Convert.ToInt32(await Scalar(connection, null, "PRAGMA user_version;", cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await Scalar(connection, null, "SELECT count(*) FROM sqlite_schema;", cancellationToken);
    }

    private static async Task<object?> Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct);
    }
}
