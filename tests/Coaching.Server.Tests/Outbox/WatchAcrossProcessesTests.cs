using System.Collections.Concurrent;
using System.Diagnostics;
using Coaching.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Coaching.Server.Tests.Outbox;

/// <summary>
/// The event stream across real processes: changes made through one server process reach 100 watchers on another process sharing
/// the database, in bursts, and watchers that drop and resume from their last position end with exactly the same events.
/// </summary>
public sealed class WatchAcrossProcessesTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "coaching-watch", Guid.NewGuid().ToString("N"));
    private ServerProcess _writer = null!;
    private ServerProcess _reader = null!;

    public async Task InitializeAsync()
    {
        _writer = await ServerProcess.StartAsync(_data);
        _reader = await ServerProcess.StartAsync(_data);
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _reader.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private sealed class Watcher(int number)
    {
        public int Number { get; } = number;

        public List<Event> Seen { get; } = [];

        public CancellationTokenSource Stop { get; set; } = new();

        public Task Running { get; set; } = Task.CompletedTask;
    }

    [Fact]
    public async Task HundredWatchersOnAnotherProcess_BurstsOfChanges_DropAndResume_NoGapNoDuplicate()
    {
        var scenario = await LiveScenario.CreateAsync(_writer);
        var admin = ServerProcess.Headers(_reader.Token("admin-1", "admin"));
        // Two connections: HTTP/2 lets a connection carry 100 streams at a time.
        using var channelA = GrpcChannel.ForAddress(_reader.Address);
        using var channelB = GrpcChannel.ForAddress(_reader.Address);
        var arrivals = new ConcurrentDictionary<string, long>();
        var watchers = Enumerable.Range(0, 100).Select(i => new Watcher(i)).ToList();

        void Start(Watcher w, long after)
        {
            var client = new DeliveryService.DeliveryServiceClient(w.Number % 2 == 0 ? channelA : channelB);
            var request = new WatchEventsRequest { AfterPosition = after, Latest = after < 0, Resource = scenario.Coach.Name };
            if (after < 0)
            {
                request.AfterPosition = 0;
            }

            var call = client.WatchEvents(request, admin, cancellationToken: w.Stop.Token);
            var ready = new TaskCompletionSource();
            w.Running = Task.Run(async () =>
            {
                try
                {
                    await call.ResponseHeadersAsync;
                    ready.TrySetResult();
                    await foreach (var e in call.ResponseStream.ReadAllAsync(w.Stop.Token))
                    {
                        lock (w.Seen)
                        {
                            w.Seen.Add(e);
                        }

                        arrivals.TryAdd($"{w.Number}:{e.Id}", Stopwatch.GetTimestamp());
                    }
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
                {
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    ready.TrySetResult();
                    call.Dispose();
                }
            });
            ready.Task.Wait(TimeSpan.FromSeconds(30));
        }

        foreach (var w in watchers)
        {
            Start(w, -1);
        }

        var made = new ConcurrentDictionary<string, long>();
        async Task BurstAsync(int from)
        {
            await Task.WhenAll(Enumerable.Range(from, 20).Select(async i =>
            {
                var booking = await scenario.BookAsync($"watch-{i}", i);
                made[booking.Name] = Stopwatch.GetTimestamp();
            }));
        }

        await BurstAsync(0);
        await WaitAsync(watchers, 20);
        // Half of the watchers drop; changes go on while they are away; they come back after their last position.
        foreach (var w in watchers.Where(w => w.Number % 2 == 1))
        {
            await w.Stop.CancelAsync();
            await w.Running;
            w.Stop = new CancellationTokenSource();
        }

        await BurstAsync(20);
        foreach (var w in watchers.Where(w => w.Number % 2 == 1))
        {
            Start(w, w.Seen[^1].Position);
        }

        await BurstAsync(40);
        await WaitAsync(watchers, 60);
        await Task.Delay(500);
        foreach (var w in watchers)
        {
            await w.Stop.CancelAsync();
            await w.Running;
        }

        var reference = watchers[0].Seen.Select(e => (e.Position, e.Id)).ToList();
        Assert.Equal(60, reference.Count);
        Assert.Equal(60, reference.Select(r => r.Id).Distinct().Count());
        Assert.Equal(reference.Select(r => r.Position).Order(), reference.Select(r => r.Position));
        Assert.All(watchers, w => Assert.Equal(reference, w.Seen.Select(e => (e.Position, e.Id))));
        Assert.Equal(made.Keys.Order(), watchers[0].Seen.Select(e => e.Resource).Order());

        var lags = watchers.Where(w => w.Number % 2 == 0).SelectMany(w => w.Seen.Select(e =>
                Stopwatch.GetElapsedTime(made[e.Resource], arrivals[$"{w.Number}:{e.Id}"]).TotalMilliseconds)).Order().ToList();
        output.WriteLine($"cross-process delivery to 50 continuous watchers: median {lags[lags.Count / 2]:0} ms, p99 {lags[lags.Count * 99 / 100]:0} ms");
    }

    private static async Task WaitAsync(IEnumerable<Watcher> watchers, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var w in watchers)
        {
            while (true)
            {
                lock (w.Seen)
                {
                    if (w.Seen.Count >= count)
                    {
                        break;
                    }
                }

                Assert.True(DateTime.UtcNow < deadline, $"watcher {w.Number} has {w.Seen.Count} of {count} events");
                await Task.Delay(20);
            }
        }
    }
}
