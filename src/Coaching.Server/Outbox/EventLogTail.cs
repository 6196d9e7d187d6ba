using Coaching.Domain.Outbox;

namespace Coaching.Server.Outbox;

/// <summary>
/// Follows the end of the event log for the watchers of this process: one small query every <see cref="Interval"/> while anyone
/// watches, whichever process wrote the events, and a wake-up for every watcher when the log grew.
/// </summary>
public sealed partial class EventLogTail(IOutboxStore store, ILogger<EventLogTail> logger) : IDisposable
{
    /// <summary>How often the log's end is read while someone watches.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly Lock _gate = new();
    private TaskCompletionSource _grew = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _last = -1;
    private int _watchers;
    private CancellationTokenSource? _polling;

    /// <summary>Waits until the log holds a position after <paramref name="position"/>.</summary>
    public async Task WaitBeyondAsync(long position, CancellationToken ct)
    {
        while (true)
        {
            Task grew;
            lock (_gate)
            {
                if (_last > position)
                {
                    return;
                }

                grew = _grew.Task;
            }

            await grew.WaitAsync(ct);
        }
    }

    /// <summary>Counts a watcher in, starting the poller for the first one; dispose the result to count it out.</summary>
    public IDisposable Watch()
    {
        lock (_gate)
        {
            if (_watchers++ == 0)
            {
                _polling = new CancellationTokenSource();
                _ = PollAsync(_polling.Token);
            }
        }

        return new Watcher(this);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _polling?.Cancel();
            _polling?.Dispose();
            _polling = null;
        }
    }

    private void Leave()
    {
        lock (_gate)
        {
            if (--_watchers == 0)
            {
                _polling?.Cancel();
                _polling?.Dispose();
                _polling = null;
            }
        }
    }

    private async Task PollAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var (_, last) = await store.LogBoundsAsync(ct);
                TaskCompletionSource? wake = null;
                lock (_gate)
                {
                    if (last != _last)
                    {
                        _last = last;
                        wake = _grew;
                        _grew = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }

                wake?.TrySetResult();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed read is tried again at the next tick; watchers only wait a little longer.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogReadFailed(logger, e);
            }
        }
        while (await WaitTickAsync(timer, ct));
    }

    private static async Task<bool> WaitTickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the end of the event log failed")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    private sealed class Watcher(EventLogTail tail) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                tail.Leave();
            }
        }
    }
}
