using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace Coaching.Server.Tests.Bookings;

/// <summary>A coach open every day 00:00-24:00 (UTC) with one offering, and helpers to book it as various people.</summary>
public sealed class BookingScenario(ServerFixture server, Coach coach, Offering offering)
{
    public Coach Coach { get; } = coach;

    public Offering Offering { get; } = offering;

    public string CoachToken => server.Token($"user-of-{Coach.Name}", "coach", Coach.Name.Split('/')[1]);

    public BookingService.BookingServiceClient AsCoach => new(server.Channel(CoachToken));

    public BookingService.BookingServiceClient AsAdmin => new(server.Channel(server.Token("admin-1", "admin")));

    public BookingService.BookingServiceClient AsClient(string subject) => new(server.Channel(server.Token(subject, "client")));

    public static async Task<BookingScenario> CreateAsync(ServerFixture server, Action<Offering>? configure = null, string zone = "UTC")
    {
        var coach = await server.SeedCoachAsync("Booking Coach", ServerFixture.UniqueTag(), zone);
        var coaches = server.CoachCoaches(coach.Name);
        var offering = new Offering { Title = "Career coaching", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(60)) };
        configure?.Invoke(offering);
        offering = await coaches.CreateOfferingAsync(new CreateOfferingRequest { Parent = coach.Name, Offering = offering });
        var token = server.Token($"user-of-{coach.Name}", "coach", coach.Name.Split('/')[1]);
        await new AvailabilityService.AvailabilityServiceClient(server.Channel(token)).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
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
        });
        return new BookingScenario(server, coach, offering);
    }

    public static Timestamp At(int day, int hour, int minute = 0) =>
        Timestamp.FromDateTime(new DateTime(2026, 12, day, hour, minute, 0, DateTimeKind.Utc));

    public CreateBookingRequest Request(Timestamp start, string? requestId = null, string agenda = "My CV", string? client = null) => new()
    {
        Booking = new Booking { Offering = Offering.Name, StartTime = start, Agenda = agenda, Client = client ?? string.Empty },
        RequestId = requestId ?? Guid.NewGuid().ToString(),
    };

    public Task<Booking> BookAsync(string client, Timestamp start) => AsClient(client).CreateBookingAsync(Request(start)).ResponseAsync;

    /// <summary>Every booking of this coach as the store holds it, read back through the API as an admin.</summary>
    public async Task<List<Booking>> AllAsync(params BookingState[] states)
    {
        var all = new List<Booking>();
        var token = string.Empty;
        do
        {
            var page = await AsAdmin.ListBookingsAsync(new ListBookingsRequest { Coach = Coach.Name, PageSize = 200, PageToken = token, States = { states } });
            all.AddRange(page.Bookings);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }
}
