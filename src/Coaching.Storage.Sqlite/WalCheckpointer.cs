using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite;

/// <summary>
/// Copies committed WAL pages back into the database file on a thread of its own, every <see cref="Interval"/>, so the
/// group-committing writer seldom does it inside a COMMIT. SQLite describes this arrangement for applications that want
/// checkpoints off their write path (a raised <c>wal_autocheckpoint</c> on the writer, <c>wal_checkpoint</c> run elsewhere).
/// </summary>
/// <remarks>
/// PASSIVE checkpoints never take the write lock and never wait: writers of this process and of others keep committing
/// meanwhile, and frames a reader still needs are left for the next round. They cannot restart the WAL, though: only a
/// writer can, when it begins after every frame was copied back, and this writer appends while they run. So the writer still
/// checkpoints itself once its WAL passes <see cref="WriterThreshold"/> frames (SQLite's default is 1,000); by then most
/// pages have been copied here, and its next transaction starts the WAL from its beginning, which bounds the file.
/// Durability is unchanged: a commit is durable once its WAL frames are synced (under <c>synchronous=FULL</c>, before the
/// COMMIT returns); checkpointing only moves pages that are already durable, and a crash in the middle of one is repaired
/// from the WAL when the file is next opened.
/// </remarks>
internal sealed class WalCheckpointer : IDisposable
{
    /// <summary>How often the WAL is copied back; short enough that a few thousand pages at most build up between rounds.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>WAL frames after which the writer checkpoints itself and so lets its next transaction restart the WAL.</summary>
    public const int WriterThreshold = 10_000;

    private readonly Func<CancellationToken, Task<SqliteConnection>> _open;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _rounds;

    public WalCheckpointer(Func<CancellationToken, Task<SqliteConnection>> open)
    {
        _open = open;
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite WAL checkpointer" };
        _thread.Start();
    }

    /// <summary>Checkpoint rounds finished so far (for tests and diagnostics).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Stops after the round in progress and runs one last round, so a clean shutdown leaves the WAL copied back.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _thread.Join();
        Checkpoint();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.Token.WaitHandle.WaitOne(Interval))
        {
            Checkpoint();
        }
    }

    private void Checkpoint()
    {
        try
        {
            using var connection = _open(CancellationToken.None).GetAwaiter().GetResult();
            using var command = connection.Command("PRAGMA wal_checkpoint(PASSIVE)");
            command.ExecuteNonQuery();
            Interlocked.Increment(ref _rounds);
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            // A disk error, a pool closing under it: the next round tries again, and meanwhile the WAL only grows. Commits are
            // unaffected. (Nothing may escape: an exception on this thread would end the process.)
        }
    }
}
