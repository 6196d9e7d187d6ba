using Coaching.Contracts.V1;
using Grpc.Core;
using static Coaching.Server.Tests.Bookings.BookingScenario;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.Bookings;

/// <summary>Real concurrent gRPC calls racing for the same time; the store must let exactly the right number win.</summary>
public abstract class BookingRaceTests(ServerFixture server) : ServerTest(server)
{
    private const int Racers = 64;

    /// <summary>Runs every attempt at once (released together) and sorts the outcomes.</summary>
    private static async Task<(List<Booking> Won, List<RpcException> Lost)> RaceAsync(IEnumerable<Func<Task<Booking>>> attempts)
    {
        using var start = new ManualResetEventSlim(false);
        var tasks = attempts.Select(attempt => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                return ((Booking?)await attempt(), (RpcException?)null);
            }
            catch (RpcException e)
            {
                return (null, e);
            }
        })).ToList();
        start.Set();
        var outcomes = await Task.WhenAll(tasks);
        return ([.. outcomes.Where(o => o.Item1 is not null).Select(o => o.Item1!)], [.. outcomes.Where(o => o.Item2 is not null).Select(o => o.Item2!)]);
    }

    [SkippableFact]
    public async Task SameSlot_64Clients_RepeatedRaces_ExactlyOneWinnerEach()
    {
        server.SkipIfAbsent();
        var s = await CreateAsync(server);
        const int races = 12;
        var clients = Enumerable.Range(0, Racers).Select(i => s.AsClient($"racer-{i}")).ToList();

        for (var race = 0; race < races; race++)
        {
            var slot = At(15, race + 6);
            var (won, lost) = await RaceAsync(clients.Select(c => (Func<Task<Booking>>)(() => c.CreateBookingAsync(s.Request(slot)).ResponseAsync)));

            Assert.Single(won);
            Assert.Equal(Racers - 1, lost.Count);
            Assert.All(lost, e => Assert.Equal("SLOT_UNAVAILABLE", e.ErrorInfo().Reason));
        }

        var stored = await s.AllAsync();
        Assert.Equal(races, stored.Count);
        Assert.Equal(races, stored.Select(b => b.StartTime).Distinct().Count());
    }

    [SkippableFact]
    public async Task OverlappingDifferentStarts_60And30Minutes_NeverBothWin()
    {
        server.SkipIfAbsent();
        var s = await CreateAsync(server);
        var half = await server.CoachCoaches(s.Coach.Name).CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = s.Coach.Name,
            Offering = new Offering { Title = "Quick CV check", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)) },
        });

        for (var race = 0; race < 8; race++)
        {
            var hour = race + 8;
            var attempts = Enumerable.Range(0, Racers).Select(i =>
            {
                var client = s.AsClient($"overlap-{i}");
                var request = i % 2 == 0 ? s.Request(At(16, hour)) : s.Request(At(16, hour, 30));
                if (i % 2 == 1)
                {
                    request.Booking.Offering = half.Name;
                }

                return (Func<Task<Booking>>)(() => client.CreateBookingAsync(request).ResponseAsync);
            });

            var (won, lost) = await RaceAsync(attempts);

            Assert.Single(won);
            Assert.All(lost, e => Assert.Equal("SLOT_UNAVAILABLE", e.ErrorInfo().Reason));
        }

        var stored = await s.AllAsync(BookingState.Confirmed);
        var intervals = stored.Select(b => (Start: b.StartTime.ToDateTime(), End: b.EndTime.ToDateTime())).OrderBy(i => i.Start).ToList();
        Assert.Equal(8, intervals.Count);
        Assert.All(intervals.Zip(intervals.Skip(1)), p => Assert.True(p.First.End <= p.Second.Start));
    }

    [SkippableFact]
    public async Task CancelThenRebook_FreedTimeIsBookedExactlyOnce()
    {
        server.SkipIfAbsent();
        var s = await CreateAsync(server);
        for (var race = 0; race < 6; race++)
        {
            var slot = At(17, race + 8);
            var held = await s.BookAsync("holder", slot);
            var canceller = s.AsClient("holder");
            var rebookers = Enumerable.Range(0, Racers - 1).Select(i => s.AsClient($"rebook-{i}")).ToList();

            var attempts = rebookers.Select(c => (Func<Task<Booking>>)(() => c.CreateBookingAsync(s.Request(slot)).ResponseAsync))
                .Prepend(() => canceller.CancelBookingAsync(new CancelBookingRequest { Name = held.Name }).ResponseAsync);
            var (won, _) = await RaceAsync(attempts);

            var newOwners = won.Count(b => b.State == BookingState.Confirmed && b.Name != held.Name);
            var activeAfterRace = (await s.AllAsync(BookingState.Confirmed, BookingState.Pending)).Count(b => b.StartTime == slot);
            Assert.True(newOwners <= 1);
            Assert.Equal(newOwners, activeAfterRace);

            // A second wave of racers: if the time is still free exactly one of them gets it, otherwise none.
            var (second, _) = await RaceAsync(Enumerable.Range(0, 16).Select(i =>
            {
                var client = s.AsClient($"wave2-{i}");
                return (Func<Task<Booking>>)(() => client.CreateBookingAsync(s.Request(slot)).ResponseAsync);
            }));
            Assert.Equal(1 - newOwners, second.Count);
            Assert.Single(await s.AllAsync(BookingState.Confirmed, BookingState.Pending), b => b.StartTime == slot);
        }
    }

    [SkippableFact]
    public async Task RescheduleRace_ManyBookingsMoveToOneFreeSlot_ExactlyOneSucceeds()
    {
        server.SkipIfAbsent();
        var s = await CreateAsync(server);
        var bookings = new List<(Booking Booking, BookingService.BookingServiceClient Client)>();
        for (var i = 0; i < 16; i++)
        {
            var client = s.AsClient($"mover-{i}");
            bookings.Add((await client.CreateBookingAsync(s.Request(At(18, 0, 0 + 0).AddMinutes(i * 60 + 60))), client));
        }

        var target = At(18, 20);
        var (won, lost) = await RaceAsync(bookings.Select(b => (Func<Task<Booking>>)(() =>
            b.Client.RescheduleBookingAsync(new RescheduleBookingRequest { Name = b.Booking.Name, StartTime = target, RequestId = Guid.NewGuid().ToString() }).ResponseAsync)));

        Assert.Single(won);
        Assert.All(lost, e => Assert.Equal("SLOT_UNAVAILABLE", e.ErrorInfo().Reason));
        var active = await s.AllAsync(BookingState.Confirmed);
        Assert.Equal(16, active.Count);
        Assert.Single(active, b => b.StartTime == target);
        // Every loser still holds its original time.
        Assert.Equal(15, active.Count(b => bookings.Any(o => o.Booking.Name == b.Name && o.Booking.StartTime == b.StartTime)));
    }

    [SkippableFact]
    public async Task DailyCapRace_NeverExceedsTheCap()
    {
        server.SkipIfAbsent();
        var s = await CreateAsync(server, o => o.DailyCap = 3);

        var (won, lost) = await RaceAsync(Enumerable.Range(0, 20).Select(i =>
        {
            var client = s.AsClient($"cap-{i}");
            return (Func<Task<Booking>>)(() => client.CreateBookingAsync(s.Request(At(19, i + 1))).ResponseAsync);
        }));

        Assert.Equal(3, won.Count);
        Assert.All(lost, e => Assert.Equal("BOOKING_LIMIT_REACHED", e.ErrorInfo().Reason));
        Assert.Equal(3, (await s.AllAsync()).Count);
    }

    [SkippableFact]
    public async Task IdempotentRetriesRacing_CreateOneBooking()
    {
        server.SkipIfAbsent();
        var s = await CreateAsync(server);
        var client = s.AsClient("retrier");
        var request = s.Request(At(20, 9), "same-request");

        var (won, lost) = await RaceAsync(Enumerable.Range(0, 16).Select(_ => (Func<Task<Booking>>)(() => client.CreateBookingAsync(request).ResponseAsync)));

        Assert.Empty(lost);
        Assert.Single(won.Select(b => b.Name).Distinct());
        Assert.Single(await s.AllAsync());
    }
}

internal static class TimestampExtensions
{
    public static Timestamp AddMinutes(this Timestamp t, int minutes) => Timestamp.FromDateTime(t.ToDateTime().AddMinutes(minutes));
}
