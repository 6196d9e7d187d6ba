using Coaching.Contracts.V1;
using Grpc.Core;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.Availability;

/// <summary>
/// The runs view of ListAvailableSlots stands for exactly the starts the full view lists: expanded, the runs give back every
/// slot of the full view, in order, across the DST transitions of zones that shift by an hour, by 30 minutes and backwards,
/// with booked holes and broken hours. Each run is maximal, so the view is as small as it can be.
/// </summary>
[Collection(UsesServer.Name)]
public class SlotRunsViewTests(ServerFixture server) : ServerTest(server)
{
    [Theory]
    [InlineData("Europe/London")]
    [InlineData("Australia/Lord_Howe")]
    [InlineData("America/Santiago")]
    [InlineData("Asia/Kathmandu")]
    public async Task Runs_ExpandToTheFullViewsStarts_AcrossTransitionsAndHoles(string zone)
    {
        var coach = await server.SeedCoachAsync("Runs Coach", null, zone);
        var own = server.Channel(server.Token($"user-of-{coach.Name}", "coach", coach.Name.Split('/')[1]));
        var offering = await new CoachService.CoachServiceClient(own).CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = coach.Name,
            Offering = new Offering
            {
                Title = "Runs", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)), BookingHorizon = Duration.FromTimeSpan(TimeSpan.FromDays(365)),
            },
        });
        // Whole days, a day split in two, and a day with hours that run into the small hours of the next.
        await new AvailabilityService.AvailabilityServiceClient(own).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule
            {
                Name = $"{coach.Name}/weeklySchedule",
                Windows =
                {
                    Window(Weekday.Monday, 0, 0, 24, 0), Window(Weekday.Tuesday, 0, 0, 24, 0), Window(Weekday.Wednesday, 8, 0, 12, 0),
                    Window(Weekday.Wednesday, 13, 0, 17, 30), Window(Weekday.Saturday, 0, 0, 24, 0), Window(Weekday.Sunday, 0, 0, 24, 0),
                    Window(Weekday.Friday, 20, 0, 24, 0),
                },
            },
        });
        var from = new DateTime(2027, 3, 20, 0, 0, 0, DateTimeKind.Utc); // spans March/April transitions in both hemispheres
        var to = from.AddDays(30);
        var slots = new AvailabilityService.AvailabilityServiceClient(server.Channel(server.Token("client-1", "client")));
        var first = await slots.ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = offering.Name, StartTime = Timestamp.FromDateTime(from), EndTime = Timestamp.FromDateTime(to),
        });
        var bookings = new BookingService.BookingServiceClient(server.Channel(server.Token("client-1", "client")));
        foreach (var (slot, i) in first.Slots.Select((s, i) => (s, i)).Where(p => p.i % 37 == 5))
        {
            await bookings.CreateBookingAsync(new CreateBookingRequest
            {
                Booking = new Booking { Offering = offering.Name, StartTime = slot.StartTime }, RequestId = $"runs-{zone}-{i}",
            });
        }

        var full = await slots.ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = offering.Name, StartTime = Timestamp.FromDateTime(from), EndTime = Timestamp.FromDateTime(to), View = SlotView.Full,
        });
        var runs = await slots.ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = offering.Name, StartTime = Timestamp.FromDateTime(from), EndTime = Timestamp.FromDateTime(to), View = SlotView.Runs,
        });

        var step = runs.SlotStep.ToTimeSpan();
        var expanded = runs.Runs.SelectMany(r => Enumerable.Range(0, r.Count).Select(k => r.StartTime.ToDateTime() + (step * k))).ToList();
        Assert.True(full.Slots.Count < first.Slots.Count, "the bookings made holes");
        Assert.Equal(full.Slots.Select(s => s.StartTime.ToDateTime()), expanded);
        Assert.Empty(runs.Slots);
        Assert.Empty(full.Runs);
        Assert.All(runs.Runs, r => Assert.True(r.Count >= 1));
        Assert.All(runs.Runs.Zip(runs.Runs.Skip(1)), pair =>
            Assert.NotEqual(pair.First.StartTime.ToDateTime() + (step * pair.First.Count), pair.Second.StartTime.ToDateTime()));
        Assert.Equal((full.Days, full.CoachTimeZone, full.SlotStep), (runs.Days, runs.CoachTimeZone, runs.SlotStep));
        Assert.Equal(TimeSpan.FromMinutes(30), runs.SessionDuration.ToTimeSpan());
        Assert.Equal(runs.SessionDuration, full.SessionDuration);
        Assert.True(runs.CalculateSize() * 10 < full.CalculateSize(), $"runs {runs.CalculateSize()} bytes, full {full.CalculateSize()} bytes");
    }

    [Fact]
    public async Task UnknownView_IsRefusedNamingTheField()
    {
        var coach = await server.SeedCoachAsync("Runs Coach");
        var offering = await server.CoachCoaches(coach.Name).CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = coach.Name, Offering = new Offering { Title = "Runs", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)) },
        });
        var slots = new AvailabilityService.AvailabilityServiceClient(server.Channel(server.Token("client-1", "client")));

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => slots.ListAvailableSlotsAsync(new ListAvailableSlotsRequest
        {
            Offering = offering.Name,
            StartTime = Timestamp.FromDateTime(new DateTime(2027, 1, 4, 0, 0, 0, DateTimeKind.Utc)),
            EndTime = Timestamp.FromDateTime(new DateTime(2027, 1, 5, 0, 0, 0, DateTimeKind.Utc)),
            View = (SlotView)7,
        }));

        Assert.Equal(["view"], error.ViolatedFields());
    }

    private static WeeklyWindow Window(Weekday day, int startH, int startM, int endH, int endM) => new()
    {
        Weekday = day, StartTime = new TimeOfDay { Hours = startH, Minutes = startM }, EndTime = new TimeOfDay { Hours = endH, Minutes = endM },
    };
}
