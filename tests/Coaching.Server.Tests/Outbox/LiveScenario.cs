using Coaching.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.Outbox;

/// <summary>A coach who takes sessions (30 minutes unless asked otherwise) around the clock on a real server process, and helpers to book them.</summary>
public sealed class LiveScenario(ServerProcess server, GrpcChannel channel, Coach coach, Offering offering)
{
    public Coach Coach { get; } = coach;

    public Offering Offering { get; } = offering;

    public GrpcChannel Channel { get; } = channel;

    public Metadata Admin => ServerProcess.Headers(server.Token("admin-1", "admin"));

    public Metadata Client(string subject) => ServerProcess.Headers(server.Token(subject, "client"));

    public Metadata As(string subject, string role, string? coachId = null) => ServerProcess.Headers(server.Token(subject, role, coachId));

    public BookingService.BookingServiceClient Bookings => new(Channel);

    public DeliveryService.DeliveryServiceClient Deliveries => new(Channel);

    public static async Task<LiveScenario> CreateAsync(ServerProcess server, string coachName = "Grace Hopper", string email = "grace@example.org",
        int sessionMinutes = 30)
    {
        var channel = GrpcChannel.ForAddress(server.Address);
        var admin = ServerProcess.Headers(server.Token("admin-1", "admin"));
        var coach = await new CoachService.CoachServiceClient(channel).CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = coachName, Email = email, TimeZone = "Europe/London" },
        }, admin);
        var offering = await new CoachService.CoachServiceClient(channel).CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = coach.Name,
            Offering = new Offering { Title = "CV review", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(sessionMinutes)) },
        }, admin);
        await new AvailabilityService.AvailabilityServiceClient(channel).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule
            {
                Name = $"{coach.Name}/weeklySchedule",
                Windows =
                {
                    Enumerable.Range(1, 7).Select(d => new WeeklyWindow
                    {
                        Weekday = (Weekday)d, StartTime = new TimeOfDay { Hours = 0 }, EndTime = new TimeOfDay { Hours = 24 },
                    }),
                },
            },
        }, admin);
        return new LiveScenario(server, channel, coach, offering);
    }

    /// <summary>Slot <paramref name="n"/>: consecutive half hours from two days ahead, 06:00 UTC.</summary>
    public static Timestamp Slot(int n) => Timestamp.FromDateTime(DateTime.UtcNow.Date.AddDays(2).AddHours(6).AddMinutes(30 * n));

    public async Task<Booking> BookAsync(string client, int slot) => await Bookings.CreateBookingAsync(new CreateBookingRequest
    {
        Booking = new Booking { Coach = Coach.Name, Offering = Offering.Name, StartTime = Slot(slot), Agenda = "My CV" },
        RequestId = Guid.NewGuid().ToString(),
    }, Client(client));

    /// <summary>Every delivery (admins' view), newest first.</summary>
    public async Task<List<Delivery>> AllDeliveriesAsync(string resource = "")
    {
        var all = new List<Delivery>();
        var token = string.Empty;
        do
        {
            var page = await Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { PageSize = 200, PageToken = token, Resource = resource }, Admin);
            all.AddRange(page.Deliveries);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    /// <summary>Waits until <paramref name="done"/> holds for the deliveries (fails after <paramref name="seconds"/>).</summary>
    public async Task<List<Delivery>> WaitForDeliveriesAsync(Func<List<Delivery>, bool> done, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var all = await AllDeliveriesAsync();
            if (done(all))
            {
                return all;
            }

            Assert.True(DateTime.UtcNow < deadline, $"deliveries did not settle within {seconds} s: " +
                string.Join("; ", all.Select(d => $"{d.Name} {d.State} {d.Attempts} {d.LastError}")));
            await Task.Delay(100);
        }
    }
}
