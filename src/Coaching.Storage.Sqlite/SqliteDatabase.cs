using Coaching.Domain.Common;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite;

/// <summary>
/// The embedded store's database file: opens pooled connections with the pragmas every connection needs
/// and migrates the schema (tracked in <c>PRAGMA user_version</c>) once at start-up. Safe to share between
/// several processes: SQLite's file locks serialise writers, WAL lets readers proceed meanwhile. Writes that must be fast
/// under contention go through <see cref="WriteAsync{T}"/>, the process's one group-committing writer.
/// </summary>
public sealed class SqliteDatabase : IStoreHealth, IStoreInitializer, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly string _pragmas;

    private readonly ConnectionPool _pool = new();
    private int _disposed;
    private readonly Lazy<GroupCommit> _writer;
    private FileStream? _holder;

    /// <summary>Creates a handle for the database file at <paramref name="path"/> (created on first use).</summary>
    /// <param name="path">The database file.</param>
    /// <param name="synchronous">
    /// How hard a commit is pushed to the disk: <see cref="SqliteSynchronous.Full"/> (the default) survives power loss,
    /// <see cref="SqliteSynchronous.Normal"/> survives a process crash and may lose the last commits on power loss.
    /// </param>
    public SqliteDatabase(string path, SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        SqliteRuntime.EnsureConfigured();
        Path = path;
        Synchronous = synchronous;
        _pragmas = $"PRAGMA foreign_keys = ON; PRAGMA synchronous = {(synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")}; PRAGMA busy_timeout = 30000;";
        _writer = new Lazy<GroupCommit>(() => new GroupCommit(OpenAsync, path));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // the database keeps its own pool (PooledConnection), which also keeps compiled statements
            // Writers queue instead of failing: SQLite's busy handler waits (busy_timeout, set per connection), and
            // Microsoft.Data.Sqlite retries a busy statement until this many seconds pass.
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Path of the database file.</summary>
    public string Path { get; }

    /// <summary>The catalog rows this process has read, validated by the catalog version on every lookup.</summary>
    internal CatalogCache Catalog { get; } = new();

    /// <summary>The durability every connection commits with.</summary>
    public SqliteSynchronous Synchronous { get; }

    /// <summary>WAL checkpoint rounds run beside the writer in this process (none before the first write through it).</summary>
    internal long CheckpointRounds => _writer.IsValueCreated ? _writer.Value.CheckpointRounds : 0;

    /// <summary>Transactions the group-committing writer has committed in this process.</summary>
    public long GroupCommits => _writer.IsValueCreated ? _writer.Value.Commits : 0;

    /// <summary>
    /// A connection from the database's own pool, open, with foreign keys on, the configured durability and SQLite's busy
    /// handler (set once, when it was first opened). Disposing it hands it back.
    /// </summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_pool.TryTake(out var idle))
        {
            return idle!;
        }

        var connection = new PooledConnection(_connectionString, _pool);
        try
        {
            await connection.OpenAsync(cancellationToken);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = _pragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            connection.Retire();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> through the process's group-committing writer (see <see cref="GroupCommit"/>) and answers
    /// once its batch has committed. <paramref name="work"/> gets the writer's connection and open transaction.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<Batched<T>>> work, CancellationToken cancellationToken) =>
        _writer.Value.WriteAsync(work, cancellationToken);

    /// <summary>Stops the writer (after the writes queued so far) and closes every pooled connection.</summary>
    public async ValueTask DisposeAsync()
    {
        // The container hands this one instance out under several service types and disposes it for each.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_writer.IsValueCreated)
        {
            await _writer.Value.DisposeAsync();
        }

        _pool.Close();
        _holder?.Dispose();
    }

    /// <summary>
    /// The file beside the database that every server process holds open with a shared lock while it runs, so an offline tool
    /// (<c>coaching restore</c>) can tell, by asking for the lock exclusively, that no server uses the database.
    /// </summary>
    public string HolderLockPath => $"{Path}.lock";

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await MigrateAsync(cancellationToken);
        // FileShare.ReadWrite takes a shared lock (flock LOCK_SH on Unix): many servers may hold it, an exclusive taker may not.
        _holder ??= new FileStream(HolderLockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
    }

    /// <summary>
    /// Takes <paramref name="databasePath"/>'s holder lock exclusively, for an offline tool: null when a server holds it (is
    /// running on the database). While the returned stream is open, no server can start on the database.
    /// </summary>
    public static FileStream? TryHoldExclusively(string databasePath)
    {
        try
        {
            return new FileStream($"{databasePath}.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

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

/// <summary>SQLite's <c>synchronous</c> setting, as offered by configuration.</summary>
public enum SqliteSynchronous
{
    /// <summary>Every commit is on the disk before it returns (survives power loss).</summary>
    Full,

    /// <summary>WAL is synced at checkpoints only: survives a process crash, may lose the latest commits on power loss.</summary>
    Normal,
}
