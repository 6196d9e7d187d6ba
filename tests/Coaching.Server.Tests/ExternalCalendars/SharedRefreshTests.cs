using Coaching.Contracts.V1;
using Grpc.Net.Client;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.ExternalCalendars;

/// <summary>
/// Two server processes on one database refresh a coach's calendar in the background: between them it is fetched about once per
/// interval (the sync lease and the due time live in the store), not once per process; both serve the busy time it read.
/// </summary>
public sealed class SharedRefreshTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "coaching-calendar-refresh", Guid.NewGuid().ToString("N"));
    private readonly List<ServerProcess> _servers = [];
    private IcsServer? _ics;

    public async Task InitializeAsync()
    {
        _ics = await IcsServer.StartAsync();
        for (var i = 0; i < 2; i++)
        {
            // A 3-second refresh interval, so a test can watch several.
            _servers.Add(await ServerProcess.StartAsync(_dataDirectory, "Warning", "Coaching:Calendars:AllowPrivateTargets=true",
                "Coaching:Calendars:RefreshMinutes=0.05", "Coaching:Calendars:PollSeconds=0.3", "Coaching:RateLimits:Enabled=false"));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        await _ics!.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task TwoProcesses_FetchEachCalendarAboutOncePerInterval_AndBothServeItsBusyTime()
    {
        var admin = ServerProcess.Headers(DevTokens.Mint(_dataDirectory, "admin-1", "admin"));
        using var a = GrpcChannel.ForAddress(_servers[0].Address);
        using var b = GrpcChannel.ForAddress(_servers[1].Address);
        var coach = await new CoachService.CoachServiceClient(a).CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Refreshed", Email = "refreshed@example.org", TimeZone = "UTC" },
        }, admin);
        var offering = await new CoachService.CoachServiceClient(a).CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = coach.Name, Offering = new Offering { Title = "Coaching", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(60)) },
        }, admin);
        await new AvailabilityService.AvailabilityServiceClient(a).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule
            {
                Name = $"{coach.Name}/weeklySchedule",
                Windows = { Enumerable.Range(1, 7).Select(d => new WeeklyWindow { Weekday = (Weekday)d, StartTime = new TimeOfDay { Hours = 0 }, EndTime = new TimeOfDay { Hours = 24 } }) },
            },
        }, admin);
        var day = DateTime.UtcNow.Date.AddDays(3);
        var stamp = day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        _ics!.Put("/shared.ics", $"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:x@example.org\r\nDTSTART:{stamp}T100000Z\r\nDTEND:{stamp}T110000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
        await new CalendarService.CalendarServiceClient(a).CreateCalendarConnectionAsync(new CreateCalendarConnectionRequest
        {
            Parent = coach.Name, CalendarConnection = new CalendarConnection { Url = _ics.BaseAddress + "/shared.ics" },
        }, admin);
        var atStart = _ics.Requests;

        var watched = TimeSpan.FromSeconds(12);
        await Task.Delay(watched);
        var fetches = _ics.Requests - atStart;
        var slots = await Task.WhenAll(new[] { a, b }.Select(async channel => (await new AvailabilityService.AvailabilityServiceClient(channel).ListAvailableSlotsAsync(
            new ListAvailableSlotsRequest { Offering = offering.Name, StartTime = Timestamp.FromDateTime(day), EndTime = Timestamp.FromDateTime(day.AddDays(1)) }, admin))
            .Slots.Select(s => s.StartTime.ToDateTime()).ToList()));

        // Intervals are 3 s plus up to a fifth of jitter, and each process looks for due work about every 0.3 s: over 12 s the
        // calendar is due about four times, whoever looks first; fetched once per process each time, it would be about eight.
        Assert.InRange(fetches, 2, 5);
        Assert.All(slots, s => Assert.DoesNotContain(day.AddHours(10), s));
        Assert.All(slots, s => Assert.Contains(day.AddHours(12), s));
    }
}
