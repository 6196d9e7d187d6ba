using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite.Tests;

/// <summary>
/// The group-committing writer: writes that queue while a batch runs share the next transaction, each in its own savepoint, and
/// nobody hears an answer before that transaction commits. A gate write holds the writer so the others are sure to queue.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(Path.Combine(_directory, "coaching.db"));
        await _database.MigrateAsync(default);
        await using var connection = await _database.OpenAsync(default);
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE scratch (k INTEGER PRIMARY KEY, v BLOB);";
        await create.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task QueuedWrites_ShareOneCommit_AndADiscardedOneRollsBackAlone()
    {
        var (gate, release) = await HoldWriterAsync(1000);
        var before = _database.GroupCommits;

        // Odd keys insert and then discard their own change; even keys keep theirs.
        var writes = Enumerable.Range(0, 40).Select(k => _database.WriteAsync(async (connection, transaction) =>
        {
            await InsertAsync(connection, transaction, k);
            return k % 2 == 0 ? Batched.Keep(k) : Batched.Discard(-k);
        }, default)).ToList();
        Assert.All(writes, w => Assert.False(w.IsCompleted));

        release();
        await gate;
        var answers = await Task.WhenAll(writes);

        Assert.Equal(Enumerable.Range(0, 40).Select(k => k % 2 == 0 ? k : -k), answers);
        Assert.Equal([.. Enumerable.Range(0, 20).Select(k => k * 2L), 1000], await KeysAsync());
        Assert.Equal(2, _database.GroupCommits - before); // the gate's batch, then all forty in one
    }

    [Fact]
    public async Task AWriteThatThrows_GetsItsError_AndTheRestOfItsBatchCommits()
    {
        var (gate, release) = await HoldWriterAsync(1000);
        var first = Keep(1);
        var failing = _database.WriteAsync<int>(async (connection, transaction) =>
        {
            await InsertAsync(connection, transaction, 2);
            await InsertAsync(connection, transaction, 1); // the key the write before it holds: a constraint violation
            return Batched.Keep(2);
        }, default);
        var last = Keep(3);

        release();
        await gate;

        Assert.Equal((1, 3), (await first, await last));
        var error = await Assert.ThrowsAsync<SqliteException>(() => failing);
        Assert.True(error.IsUniqueViolation());
        Assert.Equal([1, 3, 1000], await KeysAsync());
    }

    [Fact]
    public async Task AWriteCancelledWhileQueued_NeverRuns()
    {
        var (gate, release) = await HoldWriterAsync(1000);
        using var cancel = new CancellationTokenSource();
        var dropped = _database.WriteAsync(async (connection, transaction) =>
        {
            await InsertAsync(connection, transaction, 7);
            return Batched.Keep(7);
        }, cancel.Token);
        var kept = Keep(8);

        await cancel.CancelAsync();
        release();
        await gate;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped);
        Assert.Equal(8, await kept);
        Assert.Equal([8, 1000], await KeysAsync());
    }

    [Fact]
    public async Task NoAnswerBeforeCommit_AndAnAnsweredWriteIsVisibleToOtherConnections()
    {
        var (gate, release) = await HoldWriterAsync(1000);

        // The gate's row is written but not committed: another connection cannot see it, and the gate's caller has no answer.
        Assert.False(gate.IsCompleted);
        Assert.Empty(await KeysAsync());

        release();
        Assert.Equal(1000, await gate);
        Assert.Equal([1000], await KeysAsync());
    }

    [Fact]
    public async Task TheWriterReportsEachBatchsSize_AndItsQueueDepth()
    {
        var sizes = new List<int>();
        var depths = new List<int>();
        using var listener = ListenToTheWriter<int>((name, value) => (name.EndsWith("batch_size", StringComparison.Ordinal) ? sizes : depths).Add(value));

        var (gate, release) = await HoldWriterAsync(1000);
        var writes = Enumerable.Range(0, 25).Select(Keep).ToList();
        listener.RecordObservableInstruments(); // 25 writes wait behind the gate
        release();
        await gate;
        await Task.WhenAll(writes);

        Assert.Equal([1, 25], sizes);
        Assert.Equal([25], depths);
    }

    [Fact]
    public async Task TheWriterReportsHowLongEachWriteWaited_AndItsWholeTimeInTheWriter()
    {
        // The writer's thread started and its path compiled first: on a busy machine that took the gate's own wait past the
        // 200 ms the others are held (26 instead of 25 in a CI run), and only the queued writes' waits are what this measures.
        await Keep(2000);
        var waits = new List<double>();
        var wholes = new List<double>();
        using var listener = ListenToTheWriter<double>((name, value) =>
            (name.EndsWith("wait_duration", StringComparison.Ordinal) ? waits : name.EndsWith("write_duration", StringComparison.Ordinal) ? wholes : null)
            ?.Add(value));

        var (gate, release) = await HoldWriterAsync(1000);
        var writes = Enumerable.Range(0, 25).Select(Keep).ToList();
        var held = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(200); // the 25 writes queue behind the gate for at least this long
        var heldFor = held.Elapsed.TotalMilliseconds;
        release();
        await gate;
        await Task.WhenAll(writes);

        // One measurement per write (the gate and the 25), and the queued ones waited at least as long as the gate was held.
        Assert.Equal(26, waits.Count);
        Assert.Equal(26, wholes.Count);
        Assert.Equal(25, waits.Count(w => w >= heldFor));
        Assert.Equal(26, wholes.Count(w => w >= heldFor));
    }

    [Fact]
    public async Task CommittedPages_ReachTheDatabaseFile_FromTheCheckpointerBesideTheWriter_NotFromItsCommits()
    {
        var file = new FileInfo(_database.Path);
        file.Refresh();
        var before = file.Length;

        // 400 rows of 8 KB: about 1,200 WAL frames, past SQLite's default threshold (1,000) and well below the writer's own.
        var threshold = await _database.WriteAsync(async (connection, transaction) =>
        {
            using var pragma = connection.CreateCommand();
            pragma.Transaction = transaction;
            pragma.CommandText = "PRAGMA wal_autocheckpoint;";
            return Batched.Keep((long)(await pragma.ExecuteScalarAsync())!);
        }, default);
        await Task.WhenAll(Enumerable.Range(0, 400).Select(k => _database.WriteAsync(async (connection, transaction) =>
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO scratch (k, v) VALUES ($k, randomblob(8192));";
            insert.Parameters.AddWithValue("$k", k);
            await insert.ExecuteNonQueryAsync();
            return Batched.Keep(k);
        }, default)));
        var rounds = _database.CheckpointRounds;
        while (_database.CheckpointRounds < rounds + 2)
        {
            await Task.Delay(WalCheckpointer.Interval);
        }

        file.Refresh();
        Assert.Equal(WalCheckpointer.WriterThreshold, threshold);
        Assert.True(file.Length - before >= 400 * 8192, $"the database file grew by {file.Length - before} bytes");
    }

    [Theory]
    [InlineData(SqliteSynchronous.Full, 2L)]
    [InlineData(SqliteSynchronous.Normal, 1L)]
    public async Task EveryConnection_CommitsWithTheConfiguredDurability_AlsoWhenReusedFromThePool(SqliteSynchronous setting, long pragmaValue)
    {
        var database = new SqliteDatabase(Path.Combine(_directory, $"{setting}.db"), setting);
        await database.MigrateAsync(default);

        for (var open = 0; open < 3; open++)
        {
            await using var connection = await database.OpenAsync(default);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous;";
            var synchronous = (long)(await pragma.ExecuteScalarAsync())!;
            pragma.CommandText = "PRAGMA foreign_keys;";
            var keys = (long)(await pragma.ExecuteScalarAsync())!;
            Assert.Equal((pragmaValue, 1L), (synchronous, keys));
        }
    }

    /// <summary>A started listener that hands <paramref name="record"/> the writer's measurements of this test's file (instrument name, value).</summary>
    private System.Diagnostics.Metrics.MeterListener ListenToTheWriter<T>(Action<string, T> record)
        where T : struct
    {
        var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GroupCommit.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<T>((instrument, value, tags, _) =>
        {
            if (tags.ToArray().Contains(new KeyValuePair<string, object?>("coaching.sqlite.file", _database.Path)))
            {
                record(instrument.Name, value);
            }
        });
        listener.Start();
        return listener;
    }

    /// <summary>Queues a write of <paramref name="key"/> that holds the writer, inside its transaction, until released.</summary>
    private async Task<(Task<int> Gate, Action Release)> HoldWriterAsync(int key)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = _database.WriteAsync(async (connection, transaction) =>
        {
            await InsertAsync(connection, transaction, key);
            entered.SetResult();
            await open.Task;
            return Batched.Keep(key);
        }, default);
        await entered.Task;
        return (gate, open.SetResult);
    }

    private Task<int> Keep(int key) => _database.WriteAsync(async (connection, transaction) =>
    {
        await InsertAsync(connection, transaction, key);
        return Batched.Keep(key);
    }, default);

    private static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, int key)
    {
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO scratch (k) VALUES ($k);";
        insert.Parameters.AddWithValue("$k", key);
        await insert.ExecuteNonQueryAsync();
    }

    private async Task<List<long>> KeysAsync()
    {
        await using var connection = await _database.OpenAsync(default);
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT k FROM scratch ORDER BY k;";
        var keys = new List<long>();
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetInt64(0));
        }

        return keys;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
