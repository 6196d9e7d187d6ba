using Coaching.Contracts.V1;
using Coaching.Domain.Outbox;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Coaching.Server.Tests.Bookings.BookingScenario;

namespace Coaching.Server.Tests.Outbox;

/// <summary>Retention of the event log, on a server of its own (pruning must not disturb the other tests' logs).</summary>
public sealed class OutboxRetentionTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private DeliveryService.DeliveryServiceClient Watcher(string token) => new(server.Channel(token));

    private string Admin => server.Token("admin-1", "admin");

    [Fact]
    public async Task APositionOlderThanTheRetainedLog_FailsWithOutOfRange()
    {
        var s = await CreateAsync(server);
        await s.BookAsync("o-ann", At(25, 9));
        await s.BookAsync("o-cat", At(25, 10));
        var outbox = server.Factory.Services.GetRequiredService<IOutboxStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await outbox.StatsAsync(default)) is { Pending: > 0 } or { Unplanned: > 0 })
        {
            Assert.True(DateTime.UtcNow < deadline, $"the outbox drained: {await outbox.StatsAsync(default)}");
            await Task.Delay(50);
        }

        await outbox.PruneAsync(server.Clock.GetCurrentInstant() + NodaTime.Duration.FromDays(1), default);
        var (first, last) = await outbox.LogBoundsAsync(default);
        Assert.True(last + 1 == first, $"after pruning the log holds ({first}, {last}); {await outbox.StatsAsync(default)}");

        var error = await Assert.ThrowsAsync<RpcException>(() => WatchEventsTests.ReadAsync(Watcher(Admin).WatchEvents(new WatchEventsRequest { AfterPosition = 1 }), 1));
        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Equal("EVENTS_PRUNED", error.ErrorInfo().Reason);
        // Watching from the end still works, and sees the next change.
        using var stop = new CancellationTokenSource();
        using var call = await WatchEventsTests.WatchAsync(Watcher(Admin), new WatchEventsRequest { AfterPosition = last, Resource = s.Coach.Name }, stop.Token);
        var next = await s.BookAsync("o-bob", At(25, 11));
        Assert.Equal([next.Name], (await WatchEventsTests.ReadAsync(call, 1)).Select(e => e.Resource));
        await stop.CancelAsync();
    }
}
