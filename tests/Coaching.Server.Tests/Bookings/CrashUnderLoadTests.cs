using System.Collections.Concurrent;
using Coaching.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.Bookings;

/// <summary>
/// A server process killed (SIGKILL) while 48 callers book, two of them racing for every slot, with group commits and WAL
/// checkpoints in flight. After a restart on the same file: every booking a caller was told about is there as it was
/// answered, no slot has two bookings, a retry of every unanswered request (same request id) either finds its booking or
/// meets the rival's, and SQLite finds the file intact. (That no answer leaves before its commit is shown where it can be
/// timed, in GroupCommitTests: a kill from outside lands in that window too rarely to prove it here; answering before the
/// commit plus a 2 ms pause passed this test twice.)
/// </summary>
[Collection(Platform.RunsAlone.Name)] // 48 callers and a killed server: nothing else should compete for the cores and ports meanwhile
public sealed class CrashUnderLoadTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "coaching-crash", Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task KilledWhileBooking_EveryAnsweredBookingSurvives_NoSlotTwice_RetriesSettleTheRest()
    {
        _server = await ServerProcess.StartAsync(_dataDirectory, "Warning", "Coaching:RateLimits:Enabled=false");
        var scenario = await Outbox.LiveScenario.CreateAsync(_server, "Crash Coach", "crash@example.org", sessionMinutes: 15);
        var admin = scenario.Admin;
        var offering = scenario.Offering.Name;

        var first = DateTime.UtcNow.Date.AddDays(2);
        var answered = new ConcurrentDictionary<string, Booking>(); // request id -> the booking its caller was given
        var unanswered = new ConcurrentDictionary<string, (Timestamp Start, string Client)>();
        var refused = 0;
        var next = -1;
        using var stop = new CancellationTokenSource();
        using var loadChannel = scenario.Channel;
        var bookings = scenario.Bookings;
        var workers = Enumerable.Range(0, 48).Select(worker => Task.Run(async () =>
        {
            var client = $"crash-client-{worker}";
            var headers = ServerProcess.Headers(_server.Token(client, "client"));
            while (!stop.IsCancellationRequested)
            {
                // Even workers take the next slot; odd ones the newest taken, so slots are raced by two callers or more.
                var slot = worker % 2 == 0 ? Interlocked.Increment(ref next) : Volatile.Read(ref next);
                var start = Timestamp.FromDateTime(first.AddMinutes(15L * Math.Max(slot, 0)));
                var requestId = Guid.NewGuid().ToString();
                try
                {
                    var booking = await bookings.CreateBookingAsync(new CreateBookingRequest
                    {
                        Booking = new Booking { Offering = offering, StartTime = start },
                        RequestId = requestId,
                    }, headers);
                    answered[requestId] = booking;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                {
                    Interlocked.Increment(ref refused);
                }
                catch (RpcException)
                {
                    unanswered[requestId] = (start, client); // the kill: the caller cannot know whether it was stored
                    return;
                }
            }
        })).ToList();

        while (answered.Count < 2_000 && workers.Any(w => !w.IsCompleted))
        {
            await Task.Delay(50);
        }

        Assert.Empty(unanswered); // nothing but taken slots was refused while the server ran
        _server.Kill();
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        await _server.DisposeAsync();
        output.WriteLine($"answered {answered.Count}, refused {refused}, unanswered {unanswered.Count} when the server was killed");
        // Usually every caller's call in flight is cut off (48 unanswered); when the kill lands just after a batch was answered, none is.

        _server = await ServerProcess.StartAsync(_dataDirectory, "Warning", "Coaching:RateLimits:Enabled=false");
        using var after = GrpcChannel.ForAddress(_server.Address);
        var client = new BookingService.BookingServiceClient(after);
        var stored = (await ListAllAsync(client, admin)).ToDictionary(b => b.Name);
        foreach (var booking in answered.Values)
        {
            Assert.True(stored.TryGetValue(booking.Name, out var found), $"{booking.Name} was answered but is gone");
            Assert.Equal((booking.StartTime, booking.State, booking.Client), (found.StartTime, found.State, found.Client));
        }

        Assert.Equal(stored.Count, stored.Values.Select(b => b.StartTime).Distinct().Count());

        // Each unanswered request, retried as a client would (same request id): its booking if it was committed, otherwise a
        // new one or the rival's refusal. Either way the slot still has one booking at most.
        foreach (var (requestId, (start, owner)) in unanswered)
        {
            try
            {
                var retried = await client.CreateBookingAsync(new CreateBookingRequest
                {
                    Booking = new Booking { Offering = offering, StartTime = start },
                    RequestId = requestId,
                }, ServerProcess.Headers(_server.Token(owner, "client")));
                Assert.Equal(start, retried.StartTime);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                Assert.Equal("SLOT_UNAVAILABLE", e.ErrorInfo().Reason);
            }
        }

        var settled = await ListAllAsync(client, admin);
        Assert.Equal(settled.Count, settled.Select(b => b.StartTime).Distinct().Count());
        Assert.True(settled.Count >= answered.Count);

        await _server.DisposeAsync();
        _server = null;
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "coaching.db")};Pooling=False");
        await connection.OpenAsync();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", await check.ExecuteScalarAsync());
    }

    private static async Task<List<Booking>> ListAllAsync(BookingService.BookingServiceClient client, Metadata admin)
    {
        var all = new List<Booking>();
        var token = string.Empty;
        do
        {
            var page = await client.ListBookingsAsync(new ListBookingsRequest { PageSize = 200, PageToken = token }, admin);
            all.AddRange(page.Bookings);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }
}
