using Coaching.Contracts.V1;
using Coaching.Server.Tests.Bookings;
using Coaching.Server.Tests.Courses;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace Coaching.Server.Tests.Platform;

/// <summary>Timestamps and durations at the ends of their wire ranges: always a precise caller error, never INTERNAL.</summary>
[Collection(UsesServer.Name)]
public class ExtremeValueTests(ServerFixture server) : ServerTest(server)
{
    private static readonly Timestamp Latest = new() { Seconds = 253_402_300_799, Nanos = 999_999_999 };
    private static readonly Timestamp Earliest = new() { Seconds = -62_135_596_800 };

    [Fact]
    public async Task Bookings_AtTheEndsOfTime_AreRefusedWithReasons()
    {
        var s = await BookingScenario.CreateAsync(server);
        var booking = await s.BookAsync("xv-ann", BookingScenario.At(26, 9));

        var late = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("xv-ann").CreateBookingAsync(s.Request(Latest)));
        var early = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("xv-ann").CreateBookingAsync(s.Request(Earliest)));
        var moved = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("xv-ann").RescheduleBookingAsync(
            new RescheduleBookingRequest { Name = booking.Name, StartTime = Latest, RequestId = "x" }));

        Assert.Equal("BEYOND_BOOKING_HORIZON", late.ErrorInfo().Reason);
        Assert.Equal("NOTICE_TOO_SHORT", early.ErrorInfo().Reason);
        Assert.Equal("BEYOND_BOOKING_HORIZON", moved.ErrorInfo().Reason);
    }

    [Fact]
    public async Task Availability_AtTheEndsOfTime_InvalidArgument()
    {
        var s = await BookingScenario.CreateAsync(server);
        var availability = new AvailabilityService.AvailabilityServiceClient(server.Channel(server.Token("xv", "client")));

        var slots = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => availability.ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = s.Offering.Name, StartTime = new Timestamp { Seconds = Latest.Seconds - 3600 }, EndTime = Latest,
        }));
        var search = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => availability.SearchAvailabilityAsync(new SearchAvailabilityRequest
        {
            StartTime = Earliest, EndTime = new Timestamp { Seconds = Earliest.Seconds + 3600 },
        }));

        Assert.Contains("start_time", slots.ViolatedFields());
        Assert.Contains("start_time", search.ViolatedFields());
    }

    [Fact]
    public async Task CohortSessions_WithExtremeStartsOrDurations_InvalidArgument()
    {
        var s = await CohortScenario.CreateAsync(server, 3);

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort
            {
                Name = s.Cohort.Name,
                Sessions =
                {
                    new CohortSession { StartTime = new Timestamp { Seconds = Latest.Seconds - 60 }, Duration = new Duration { Seconds = 315_576_000_000 } },
                    new CohortSession { StartTime = new Timestamp { Seconds = Latest.Seconds - 60 }, Duration = Duration.FromTimeSpan(TimeSpan.FromHours(1)) },
                },
            },
            UpdateMask = new FieldMask { Paths = { "sessions" } },
        }));

        Assert.Contains("cohort.sessions[0].duration", error.ViolatedFields());
        Assert.Contains("cohort.sessions[1].start_time", error.ViolatedFields());
    }
}
