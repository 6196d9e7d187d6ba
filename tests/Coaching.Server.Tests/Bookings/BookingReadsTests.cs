using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using Coaching.Domain.Courses;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using static Coaching.Server.Tests.Bookings.BookingScenario;

namespace Coaching.Server.Tests.Bookings;

/// <summary>A server whose committed-time reads are counted (through the real readers).</summary>
public sealed class CountingBusyTimeFixture : ServerFixture
{
    public CountingBusyTime Busy { get; } = new();

    protected override IWebHostBuilder Configure(IWebHostBuilder web) => web.ConfigureTestServices(services =>
        services.AddSingleton<IBusyTimeReader>(sp =>
            Busy.Around(new CommittedTime(sp.GetRequiredService<IBookedTimeReader>(), sp.GetRequiredService<ICourseStore>(),
                sp.GetRequiredService<Coaching.Domain.ExternalCalendars.ICalendarConnectionStore>()))));

    public sealed class CountingBusyTime : IBusyTimeReader
    {
        private IBusyTimeReader? _inner;
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public CountingBusyTime Around(IBusyTimeReader inner)
        {
            _inner = inner;
            return this;
        }

        public Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBusyAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart,
            Instant rangeEnd, CancellationToken cancellationToken, Interval? blockingOnly = null)
        {
            Interlocked.Increment(ref _calls);
            return _inner!.ListBusyAsync(coachIds, rangeStart, rangeEnd, cancellationToken, blockingOnly);
        }
    }
}

/// <summary>
/// A booking's reads do not grow with the coach's bookings: creating and moving one read no committed time at all (the
/// store's claims judge conflicts in the write), yet a taken start is still refused, while listing slots does read it.
/// </summary>
public class BookingReadsTests(CountingBusyTimeFixture server) : ServerTest(server), IClassFixture<CountingBusyTimeFixture>
{
    [Fact]
    public async Task CreateAndReschedule_ReadNoBusyTime_AndStillRefuseATakenStart()
    {
        var s = await CreateAsync(server);
        for (var hour = 0; hour < 12; hour++)
        {
            await s.BookAsync($"client-{hour}", At(9, hour));
        }

        var before = server.Busy.Calls;
        var booked = await s.BookAsync("ann", At(9, 14));
        var taken = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("bob").CreateBookingAsync(s.Request(At(9, 5, 30))));
        var moved = await s.AsClient("ann").RescheduleBookingAsync(new Contracts.V1.RescheduleBookingRequest
        {
            Name = booked.Name, StartTime = At(9, 16), RequestId = "move-1",
        });
        var afterBooking = server.Busy.Calls;
        await new Contracts.V1.AvailabilityService.AvailabilityServiceClient(server.Channel(server.Token("client-1", "client")))
            .ListAvailableSlotsAsync(new Contracts.V1.ListAvailableSlotsRequest { Offering = s.Offering.Name, StartTime = At(9, 0), EndTime = At(10, 0) });

        Assert.Equal("SLOT_UNAVAILABLE", taken.ErrorInfo().Reason);
        Assert.Equal(At(9, 16), moved.StartTime);
        Assert.Equal(before, afterBooking);
        Assert.True(server.Busy.Calls > afterBooking, "listing slots reads committed time through the same counted reader");
    }
}
