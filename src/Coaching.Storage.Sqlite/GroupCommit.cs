using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite;

/// <summary>What one queued write decided: keep its changes, or roll them back and still answer with <see cref="Value"/>.</summary>
/// <typeparam name="T">The write's answer.</typeparam>
public readonly record struct Batched<T>(T Value, bool Keep);

/// <summary>Constructors of <see cref="Batched{T}"/>.</summary>
public static class Batched
{
    /// <summary>Commit the write's changes, then answer <paramref name="value"/>.</summary>
    public static Batched<T> Keep<T>(T value) => new(value, true);

    /// <summary>Roll the write's changes back (the others in its batch are unaffected), then answer <paramref name="value"/>.</summary>
    public static Batched<T> Discard<T>(T value) => new(value, false);
}

/// <summary>
/// One writer per process with group commit. Writes queue here; a single loop takes every write waiting (up to
/// <see cref="MaxBatch"/>), runs them in one <c>BEGIN IMMEDIATE</c> transaction, each inside its own savepoint so a write
/// that refuses or fails rolls back alone, commits once, and only then answers each caller. One commit (one fsync under
/// <c>synchronous=FULL</c>) thus serves a whole batch, and writers in this process never wait on the database lock for
/// each other. Other processes sharing the file still take turns through SQLite's lock (the busy handler waits), and
/// the constraints that forbid double booking are checked by SQLite for every statement as before.
/// </summary>
/// <remarks>
/// Crash guarantees: nothing is acknowledged before its batch's commit returned, so an acknowledged write is durable to
/// the degree the <c>synchronous</c> setting gives (FULL: also across power loss). A crash before the commit loses the
/// whole batch and no caller was told it succeeded; retries are safe because every create carries its request id.
/// </remarks>
internal sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>Most writes in one transaction, so one slow batch cannot hold the lock for long.</summary>
    public const int MaxBatch = 128;

    /// <summary>The meter of the embedded store's writer (<c>dotnet-counters monitor --counters Coaching.Storage.Sqlite</c>).</summary>
    public const string MeterName = "Coaching.Storage.Sqlite";

    private const string Savepoint = "queued_write";
    private readonly Channel<Queued> _queue = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<CancellationToken, Task<SqliteConnection>> _open;
    private readonly KeyValuePair<string, object?> _file;
    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _batchDuration;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<double> _waitDuration;
    private readonly Histogram<double> _writeDuration;
    private readonly Task _loop;
    private readonly WalCheckpointer _checkpointer;
    private SqliteConnection? _connection; // the writer thread's alone
    private long _commits;
    private int _waiting;

    public GroupCommit(Func<CancellationToken, Task<SqliteConnection>> open, string file)
    {
        _open = open;
        _file = new KeyValuePair<string, object?>("coaching.sqlite.file", file);
        _batchSize = _meter.CreateHistogram<int>("coaching.sqlite.group_commit.batch_size", "{write}", "Writes committed together in one transaction.");
        _batchDuration = _meter.CreateHistogram<double>("coaching.sqlite.group_commit.batch_duration", "ms",
            "Time the writer spent on one batch, from its first write to the end of its commit.");
        _commitDuration = _meter.CreateHistogram<double>("coaching.sqlite.group_commit.commit_duration", "ms",
            "Time of the batch's COMMIT alone (with synchronous=FULL, mostly the fsync).");
        _waitDuration = _meter.CreateHistogram<double>("coaching.sqlite.group_commit.wait_duration", "ms",
            "Time a write waited in the queue until its batch began.");
        _writeDuration = _meter.CreateHistogram<double>("coaching.sqlite.group_commit.write_duration", "ms",
            "Time from queueing a write to its answer: its wait, its batch and the commit (a caller's whole time in the writer).");
        _meter.CreateObservableGauge("coaching.sqlite.group_commit.queue_depth", () => new Measurement<int>(Volatile.Read(ref _waiting), _file), "{write}",
            "Writes waiting for the writer.");
        // A thread of its own, not a thread-pool work item: under load the pool's queue holds every request's continuations,
        // and the one thread all writes pass through must not wait in line behind them. SQLite's calls are synchronous, so
        // the writer blocks in them (and in its wait for work) rather than yielding.
        _checkpointer = new WalCheckpointer(open);
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Checkpoint rounds run beside the writer so far (for tests and diagnostics).</summary>
    public long CheckpointRounds => _checkpointer.Rounds;

    /// <summary>Batches committed so far (for tests and diagnostics).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Queues <paramref name="work"/>; completes with its answer once its batch has committed (or with its error).</summary>
    /// <remarks>
    /// <paramref name="work"/> runs on the writer's connection inside the batch's transaction and must use the transaction it
    /// is given; it sees the changes of the writes before it in the batch. Cancelling before the write starts drops it; once
    /// it ran, it commits with its batch whatever the token says (a retry with the same request id finds it).
    /// </remarks>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<Batched<T>>> work, CancellationToken cancellationToken)
    {
        var queued = new Queued<T>(work, cancellationToken);
        Interlocked.Increment(ref _waiting);
        if (!_queue.Writer.TryWrite(queued))
        {
            Interlocked.Decrement(ref _waiting);
            throw new ObjectDisposedException(nameof(GroupCommit));
        }

        return queued.Answer;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }

        _checkpointer.Dispose();
        _meter.Dispose();
    }

    private void Run()
    {
        var batch = new List<Queued>(MaxBatch);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var queued))
            {
                Interlocked.Decrement(ref _waiting);
                if (!queued.DropIfCancelled())
                {
                    batch.Add(queued);
                }
            }

            if (batch.Count > 0)
            {
                CommitAsync(batch).GetAwaiter().GetResult();
            }
        }
    }

    private async Task CommitAsync(List<Queued> batch)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var queued in batch)
        {
            _waitDuration.Record(Stopwatch.GetElapsedTime(queued.QueuedAt, started).TotalMilliseconds, _file);
        }

        try
        {
            var connection = _connection ??= await OpenAsync();
            await using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var queued in batch)
            {
                await RunAsync(connection, transaction, $"SAVEPOINT {Savepoint}");
                var keep = await queued.RunAsync(connection, transaction);
                if (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0)
                {
                    // SQLite ended the whole transaction (an I/O error, a full disk): every write of the batch is gone.
                    throw queued.Error ?? new InvalidOperationException("SQLite rolled back the batch's transaction.");
                }

                if (!keep)
                {
                    await RunAsync(connection, transaction, $"ROLLBACK TO SAVEPOINT {Savepoint}");
                }

                await RunAsync(connection, transaction, $"RELEASE SAVEPOINT {Savepoint}");
            }

            var committing = Stopwatch.GetTimestamp();
            transaction.Commit();
            Interlocked.Increment(ref _commits);
            _commitDuration.Record(Stopwatch.GetElapsedTime(committing).TotalMilliseconds, _file);
            _batchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, _file);
            _batchSize.Record(batch.Count, _file);
        }
        catch (Exception e)
        {
            // The next batch starts on a fresh connection: whatever failed here may have left this one unusable, so it is closed
            // rather than handed back to the pool.
            if (_connection is PooledConnection pooled)
            {
                pooled.Retire();
            }
            else
            {
                _connection?.Dispose();
            }

            _connection = null;
            RecordAnswered(batch);
            foreach (var queued in batch)
            {
                queued.Fail(e);
            }

            return;
        }

        RecordAnswered(batch);
        foreach (var queued in batch)
        {
            queued.Complete();
        }
    }

    /// <summary>Each write's whole time in the writer, from its queueing to now, when it is answered (committed or failed).</summary>
    private void RecordAnswered(List<Queued> batch)
    {
        var answered = Stopwatch.GetTimestamp();
        foreach (var queued in batch)
        {
            _writeDuration.Record(Stopwatch.GetElapsedTime(queued.QueuedAt, answered).TotalMilliseconds, _file);
        }
    }

    /// <summary>
    /// The writer's connection, kept across batches so its compiled statements and page cache stay warm. Its automatic
    /// checkpoint (which SQLite runs inside the COMMIT that crosses the threshold, here on the one thread every write passes
    /// through) waits for <see cref="WalCheckpointer.WriterThreshold"/> frames instead of 1,000: <see cref="WalCheckpointer"/>
    /// copies the pages beside it meanwhile, so when the writer's own turn comes little is left to copy. Its temporary storage
    /// is in memory: a batch's savepoints keep the pages they change in a sub-journal, which past 64 KiB SQLite otherwise
    /// spills to a temporary file it creates for the batch (an <c>openat</c> and its writes on the writer's thread, seen in
    /// <c>perf</c>).
    /// </summary>
    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = await _open(CancellationToken.None);
        await RunAsync(connection, null, $"PRAGMA wal_autocheckpoint = {WalCheckpointer.WriterThreshold}");
        await RunAsync(connection, null, "PRAGMA temp_store = MEMORY");
        return connection;
    }

    // Through the pool's compiled commands: savepoints are three statements per write, on the one thread all writes share.
    private static async Task RunAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.Command(sql, transaction);
        await command.ExecuteNonQueryAsync();
    }

    private abstract class Queued
    {
        /// <summary>When the write was queued (a <see cref="Stopwatch"/> timestamp).</summary>
        public long QueuedAt { get; } = Stopwatch.GetTimestamp();

        public Exception? Error { get; protected set; }

        public abstract bool DropIfCancelled();

        /// <summary>Runs the write; true to keep its changes. Its exception is kept for its caller, never thrown.</summary>
        public abstract Task<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception error);
    }

    private sealed class Queued<T>(Func<SqliteConnection, SqliteTransaction, Task<Batched<T>>> work, CancellationToken cancellationToken) : Queued
    {
        private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _value;

        public Task<T> Answer => _answer.Task;

        public override bool DropIfCancelled() => cancellationToken.IsCancellationRequested && _answer.TrySetCanceled(cancellationToken);

        public override async Task<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction)
        {
            try
            {
                var outcome = await work(connection, transaction);
                _value = outcome.Value;
                return outcome.Keep;
            }
            catch (Exception e)
            {
                Error = e;
                return false;
            }
        }

        public override void Complete()
        {
            if (Error is not null)
            {
                _answer.TrySetException(Error);
            }
            else
            {
                _answer.TrySetResult(_value!);
            }
        }

        public override void Fail(Exception error) => _answer.TrySetException(error);
    }
}
