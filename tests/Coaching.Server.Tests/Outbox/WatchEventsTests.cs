using Coaching.Contracts.V1;
using Coaching.Domain.Outbox;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using static Coaching.Server.Tests.Bookings.BookingScenario;

namespace Coaching.Server.Tests.Outbox;

/// <summary>The live event stream through the generated client over the in-memory host: who sees what, resuming, retention, bad input.</summary>
[Collection(UsesServer.Name)]
public sealed class WatchEventsTests(ServerFixture server) : ServerTest(server)
{
    private DeliveryService.DeliveryServiceClient Watcher(string token) => new(server.Channel(token));

    private string Admin => server.Token("admin-1", "admin");

    // Reads events until `count` arrived, then makes sure no further one comes within a short while. A pump on its own task
    // drains the stream into a queue, so reading with a timeout never cancels (or blocks on) the stream itself.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, System.Threading.Channels.Channel<Event>> Pumps = [];

    internal static async Task<List<Event>> ReadAsync(AsyncServerStreamingCall<Event> call, int count)
    {
        var queue = Pumps.GetValue(call, c =>
        {
            var channel = System.Threading.Channels.Channel.CreateUnbounded<Event>();
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in call.ResponseStream.ReadAllAsync())
                    {
                        channel.Writer.TryWrite(e);
                    }

                    channel.Writer.TryComplete();
                }
                catch (RpcException e)
                {
                    channel.Writer.TryComplete(e);
                }
            });
            return channel;
        });
        var events = new List<Event>();
        while (true)
        {
            using var wait = new CancellationTokenSource(events.Count < count ? TimeSpan.FromSeconds(20) : TimeSpan.FromMilliseconds(600));
            try
            {
                if (!await queue.Reader.WaitToReadAsync(wait.Token))
                {
                    return events;
                }
            }
            catch (OperationCanceledException)
            {
                Assert.True(events.Count >= count, $"{events.Count} of {count} events arrived");
                return events;
            }
            catch (System.Threading.Channels.ChannelClosedException e) when (e.InnerException is RpcException error)
            {
                throw error;
            }

            while (queue.Reader.TryRead(out var e))
            {
                events.Add(e);
            }
        }
    }

    // A watch is registered once it has read the log's end: an event then must reach it.
    private Task<AsyncServerStreamingCall<Event>> WatchAsync(string token, WatchEventsRequest request, CancellationToken ct) =>
        WatchAsync(Watcher(token), request, ct);

    internal static async Task<AsyncServerStreamingCall<Event>> WatchAsync(DeliveryService.DeliveryServiceClient client, WatchEventsRequest request,
        CancellationToken ct)
    {
        var call = client.WatchEvents(request, cancellationToken: ct);
        await call.ResponseHeadersAsync;
        await Task.Delay(300, ct);
        return call;
    }

    [Fact]
    public async Task EachCallerSees_WhatTheyMayRead_InOrder()
    {
        var s = await CreateAsync(server);
        using var stop = new CancellationTokenSource();
        var latest = new WatchEventsRequest { Latest = true };
        using var admin = await WatchAsync(Admin, new WatchEventsRequest { Latest = true, Resource = s.Coach.Name }, stop.Token);
        using var coach = await WatchAsync(s.CoachToken, latest, stop.Token);
        var bookingsOnly = new WatchEventsRequest { Latest = true, EventTypes = { "booking.created", "booking.cancelled" } };
        using var ann = await WatchAsync(server.Token("w-ann", "client"), bookingsOnly, stop.Token);
        using var bob = await WatchAsync(server.Token("w-bob", "client"), bookingsOnly, stop.Token);
        using var bobAll = await WatchAsync(server.Token("w-bob", "client"), new WatchEventsRequest { Latest = true, Resource = s.Coach.Name }, stop.Token);
        using var cancels = await WatchAsync(Admin, new WatchEventsRequest { Latest = true, Resource = s.Coach.Name, EventTypes = { "booking.cancelled" } }, stop.Token);

        var a = await s.BookAsync("w-ann", At(22, 9));
        var b = await s.BookAsync("w-bob", At(22, 11));
        await s.AsClient("w-ann").CancelBookingAsync(new CancelBookingRequest { Name = a.Name });

        var forAdmin = await ReadAsync(admin, 3);
        Assert.Equal(["booking.created", "booking.created", "booking.cancelled"], forAdmin.Select(e => e.Type));
        Assert.Equal([a.Name, b.Name, a.Name], forAdmin.Select(e => e.Resource));
        Assert.True(forAdmin[0].Position < forAdmin[1].Position && forAdmin[1].Position < forAdmin[2].Position);
        Assert.Equal(BookingState.Cancelled, forAdmin[2].Booking.State);
        Assert.Equal(forAdmin.Select(e => e.Id), (await ReadAsync(coach, 3)).Select(e => e.Id));
        Assert.Equal([a.Name, a.Name], (await ReadAsync(ann, 2)).Select(e => e.Resource));
        Assert.Equal([b.Name], (await ReadAsync(bob, 1)).Select(e => e.Resource));
        // Of Ann's booking, Bob learns only that the coach's slots changed.
        Assert.Equal(["availability.changed", "booking.created", "availability.changed"], (await ReadAsync(bobAll, 3)).Select(e => e.Type));
        Assert.Equal([forAdmin[2].Id], (await ReadAsync(cancels, 1)).Select(e => e.Id));
        await stop.CancelAsync();
    }

    [Fact]
    public async Task OthersBookings_AndChangedHours_ReachEveryone_AsAvailabilityChanges_InTheCoachsDates()
    {
        var s = await CreateAsync(server, zone: "America/New_York");
        using var stop = new CancellationTokenSource();
        using var bob = await WatchAsync(server.Token("av-bob", "client"),
            new WatchEventsRequest { Latest = true, Resource = s.Coach.Name, EventTypes = { "availability.changed" } }, stop.Token);

        var booked = await s.BookAsync("av-ann", At(26, 3)); // 03:00 UTC is 22:00 on the 25th in New York
        await new AvailabilityService.AvailabilityServiceClient(server.Channel(s.CoachToken)).CreateDateOverrideAsync(new CreateDateOverrideRequest
        {
            Parent = s.Coach.Name,
            DateOverride = new DateOverride { StartDate = new Date { Year = 2026, Month = 12, Day = 28 }, Kind = DateOverrideKind.Unavailable, Reason = "Off" },
        });
        var events = await ReadAsync(bob, 2);

        Assert.Equal([("2026-12-25", "2026-12-25"), ("2026-12-28", "2026-12-28")], events.Select(e => (e.Availability.FirstDate, e.Availability.LastDate)));
        Assert.All(events, e =>
        {
            Assert.Equal((s.Coach.Name, "America/New_York", Event.PayloadOneofCase.Availability), (e.Availability.Coach, e.Availability.TimeZone, e.PayloadCase));
            Assert.Equal("availability.changed", e.Type);
        });
        Assert.DoesNotContain(booked.Name, events.Select(e => e.Resource)); // nothing of Ann's booking itself
        await stop.CancelAsync();
    }

    [Fact]
    public async Task AnOpenEventStream_IsNotAWaitingCaller_SoDeliveriesDoNotGiveWayToIt()
    {
        var load = server.Factory.Services.GetRequiredService<Coaching.Server.Outbox.RequestLoad>();
        using var stop = new CancellationTokenSource();
        using var watching = await WatchAsync(Admin, new WatchEventsRequest { Latest = true }, stop.Token);

        Assert.Equal(0, load.InFlight);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Resume_AfterTheLastPosition_GivesEverythingAfter_NoGapNoDuplicate()
    {
        var s = await CreateAsync(server);
        var request = new WatchEventsRequest { Latest = true, Resource = s.Coach.Name };
        List<Event> first;
        using (var stop = new CancellationTokenSource())
        {
            using var call = await WatchAsync(Admin, request, stop.Token);
            await s.BookAsync("r-ann", At(23, 9));
            await s.BookAsync("r-bob", At(23, 11));
            first = await ReadAsync(call, 2);
            await stop.CancelAsync();
        }

        // Changes while nobody watches.
        var c = await s.BookAsync("r-cat", At(23, 13));
        await s.AsClient("r-cat").CancelBookingAsync(new CancelBookingRequest { Name = c.Name });

        using var again = new CancellationTokenSource();
        using var resumed = Watcher(Admin).WatchEvents(new WatchEventsRequest { AfterPosition = first[^1].Position, Resource = s.Coach.Name },
            cancellationToken: again.Token);
        var rest = await ReadAsync(resumed, 2);
        var d = await s.BookAsync("r-dan", At(23, 15));
        var live = await ReadAsync(resumed, 1);

        Assert.Equal(2, first.Count);
        Assert.Equal(["booking.created", "booking.cancelled"], rest.Select(e => e.Type));
        Assert.Equal([c.Name, c.Name], rest.Select(e => e.Resource));
        Assert.All(rest, e => Assert.True(e.Position > first[^1].Position));
        Assert.Equal([d.Name], live.Select(e => e.Resource));
        var all = first.Concat(rest).Concat(live).Select(e => e.Position).ToList();
        Assert.Equal(all.Order(), all);
        Assert.Equal(all.Count, all.Distinct().Count());
        await again.CancelAsync();
    }

    [Fact]
    public async Task BadInput_AndNoIdentity_GetPreciseStatuses()
    {
        var cases = new (WatchEventsRequest Request, string Field)[]
        {
            (new WatchEventsRequest { EventTypes = { "booking.exploded" } }, "event_types[0]"),
            (new WatchEventsRequest { AfterPosition = -1 }, "after_position"),
            (new WatchEventsRequest { Resource = "coaches" }, "resource"),
            (new WatchEventsRequest { AfterPosition = long.MaxValue }, "after_position"),
        };
        foreach (var (request, field) in cases)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(Watcher(Admin).WatchEvents(request), 1));
            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{field}: {error.Status}");
            Assert.Contains(field, error.ViolatedFields());
        }

        var anonymous = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(Watcher(null!).WatchEvents(new WatchEventsRequest()), 1));
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
    }

    [Fact]
    public async Task AConfirmedBooking_LeavesAnEmailInThePickupFolder_WhenNoSmtpServerIsConfigured()
    {
        Skip.If(SmtpSink.SkipReason is not null, SmtpSink.SkipReason);
        var s = await CreateAsync(server);
        var booking = await s.BookAsync("p-ann", At(24, 9));
        var folder = Path.Combine(server.DataDirectory, "mail");
        var outbox = server.Factory.Services.GetRequiredService<IOutboxStore>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        List<Domain.Outbox.Delivery> mine;
        do
        {
            await Task.Delay(50);
            mine = [.. await outbox.ListDeliveriesAsync(new DeliveryQuery(null, Domain.Outbox.DeliveryChannel.Email, booking.Name, null, 10), default)];
            Assert.True(DateTime.UtcNow < deadline, "the booking's e-mails were written");
        }
        while (mine.Count < 2 || mine.Any(d => d.State != Domain.Outbox.DeliveryState.Delivered));

        var files = mine.Select(d => Path.Combine(folder, $"{d.Id}.eml")).ToList();
        var parsed = SmtpSink.Parse(files);
        Assert.Equal(["booking coach@example.org", "p-ann@example.org"],
            parsed.Select(m => m.GetProperty("to")[0].GetString()!).Select(t => t == "ada@example.org" ? "booking coach@example.org" : t).Order());
    }
}
