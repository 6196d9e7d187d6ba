using Coaching.Contracts.V1;
using Grpc.Core;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.Availability;

/// <summary>The fall-back reproduction from outside: listing and booking agree that a window is its clock readings.</summary>
[Collection(UsesServer.Name)]
public class FallBackTests(ServerFixture server) : ServerTest(server)
{
    private static Timestamp Utc(int hour, int minute) =>
        Timestamp.FromDateTime(new DateTime(2027, 11, 7, hour, minute, 0, DateTimeKind.Utc));

    [Fact]
    public async Task NewYork_WindowEndingInTheRepeatedHour_ListsOnlyReadingsInside_AndRefusesABookingOutsideThem()
    {
        var coach = await server.SeedCoachAsync("Fall Back", ServerFixture.UniqueTag(), "America/New_York");
        var coachToken = server.Token($"user-of-{coach.Name}", "coach", coach.Name.Split('/')[1]);
        var offering = await new CoachService.CoachServiceClient(server.Channel(coachToken)).CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = coach.Name,
            Offering = new Offering
            {
                Title = "CV review", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)),
                BookingHorizon = Duration.FromTimeSpan(TimeSpan.FromDays(365)),
            },
        });
        await new AvailabilityService.AvailabilityServiceClient(server.Channel(coachToken)).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule
            {
                Name = $"{coach.Name}/weeklySchedule",
                Windows = { new WeeklyWindow { Weekday = Weekday.Sunday, StartTime = new TimeOfDay(), EndTime = new TimeOfDay { Hours = 1, Minutes = 30 } } },
            },
        });
        var client = server.Token("fallback-client", "client");

        var slots = await new AvailabilityService.AvailabilityServiceClient(server.Channel(client)).ListAvailableSlotsAsync(
            new ListAvailableSlotsRequest { Offering = offering.Name, StartTime = Utc(4, 0), EndTime = Utc(7, 0) });

        Assert.Equal([Utc(4, 0), Utc(4, 15), Utc(4, 30), Utc(4, 45), Utc(5, 0), Utc(6, 0)], slots.Slots.Select(s => s.StartTime));
        var bookings = new BookingService.BookingServiceClient(server.Channel(client));
        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => bookings.CreateBookingAsync(new CreateBookingRequest
        {
            Booking = new Booking { Offering = offering.Name, StartTime = Utc(5, 45) }, RequestId = Guid.NewGuid().ToString(),
        }));
        Assert.Equal("OUTSIDE_AVAILABILITY", refused.ErrorInfo().Reason);
        var booked = await bookings.CreateBookingAsync(new CreateBookingRequest
        {
            Booking = new Booking { Offering = offering.Name, StartTime = Utc(6, 0) }, RequestId = Guid.NewGuid().ToString(),
        });
        Assert.Equal(BookingState.Confirmed, booked.State);
    }
}
