using Coaching.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Duration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.Bookings;

/// <summary>
/// Two real server processes (the built Coaching.Server binary, started twice) share one SQLite file; clients
/// race through both for the same slots. No in-process lock can help here: only the database decides.
/// </summary>
public sealed class MultiProcessRaceTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "coaching-multiprocess", Guid.NewGuid().ToString("N"));
    private readonly List<ServerProcess> _servers = [];
    private readonly List<string> _addresses = [];

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            var server = await ServerProcess.StartAsync(_dataDirectory);
            _servers.Add(server);
            _addresses.Add(server.Address);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task TwoProcessesOneFile_EverySlotHasExactlyOneWinner()
    {
        using var channelA = GrpcChannel.ForAddress(_addresses[0]);
        using var channelB = GrpcChannel.ForAddress(_addresses[1]);
        var admin = Headers(Token("admin-1", "admin"));
        var coach = await new CoachService.CoachServiceClient(channelA).CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Shared Coach", Email = "shared@example.org", TimeZone = "UTC" },
        }, admin);
        var offering = await new CoachService.CoachServiceClient(channelB).CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = coach.Name,
            Offering = new Offering { Title = "Career coaching", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(60)) },
        }, admin);
        await new AvailabilityService.AvailabilityServiceClient(channelA).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
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

        var tomorrow = DateTime.UtcNow.Date.AddDays(2);
        const int slots = 10;
        const int racersPerSlot = 32;
        var clientsA = new BookingService.BookingServiceClient(channelA);
        var clientsB = new BookingService.BookingServiceClient(channelB);
        var winners = 0;
        var losers = 0;
        for (var slot = 0; slot < slots; slot++)
        {
            var start = Timestamp.FromDateTime(tomorrow.AddHours(slot + 6));
            using var go = new ManualResetEventSlim(false);
            var attempts = Enumerable.Range(0, racersPerSlot).Select(i => Task.Run(async () =>
            {
                var client = i % 2 == 0 ? clientsA : clientsB;
                var headers = Headers(Token($"mp-client-{i}", "client"));
                go.Wait();
                try
                {
                    await client.CreateBookingAsync(new CreateBookingRequest
                    {
                        Booking = new Booking { Offering = offering.Name, StartTime = start },
                        RequestId = Guid.NewGuid().ToString(),
                    }, headers);
                    return true;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                {
                    Assert.Equal("SLOT_UNAVAILABLE", e.ErrorInfo().Reason);
                    return false;
                }
            })).ToList();
            go.Set();
            var outcomes = await Task.WhenAll(attempts);

            Assert.Single(outcomes, won => won);
            winners += outcomes.Count(won => won);
            losers += outcomes.Count(won => !won);
        }

        var stored = await clientsB.ListBookingsAsync(new ListBookingsRequest { Coach = coach.Name, PageSize = 200 }, admin);
        Assert.Equal(slots, winners);
        Assert.Equal(slots * (racersPerSlot - 1), losers);
        Assert.Equal(slots, stored.Bookings.Count);
        Assert.Equal(slots, stored.Bookings.Select(b => b.StartTime).Distinct().Count());
    }

    [Fact]
    public async Task TwoProcessesOneFile_CohortNeverOverfills_WaitlistIsOneLine()
    {
        using var channelA = GrpcChannel.ForAddress(_addresses[0]);
        using var channelB = GrpcChannel.ForAddress(_addresses[1]);
        var admin = Headers(Token("admin-1", "admin"));
        var coach = await new CoachService.CoachServiceClient(channelA).CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Course Coach", Email = "course@example.org", TimeZone = "UTC" },
        }, admin);
        var courses = new CourseService.CourseServiceClient(channelA);
        var course = await courses.CreateCourseAsync(new CreateCourseRequest { Course = new Course { Title = "CV development", SessionCount = 1 } }, admin);
        var start = DateTime.UtcNow.Date.AddDays(20).AddHours(18);
        var cohort = await courses.CreateCohortAsync(new CreateCohortRequest
        {
            Parent = course.Name,
            Cohort = new Cohort
            {
                DisplayName = "Shared cohort", TimeZone = "UTC", Capacity = 12, Coaches = { coach.Name }, State = CohortState.Open,
                Sessions = { new CohortSession { StartTime = Timestamp.FromDateTime(start), Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(60)) } },
                EnrolmentOpenTime = Timestamp.FromDateTime(DateTime.UtcNow.AddDays(-1)),
                EnrolmentCloseTime = Timestamp.FromDateTime(start.AddDays(-1)),
            },
        }, admin);

        using var go = new ManualResetEventSlim(false);
        var attempts = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            var client = new CourseService.CourseServiceClient(i % 2 == 0 ? channelA : channelB);
            var headers = Headers(Token($"mp-enrol-{i}", "client"));
            go.Wait();
            return await client.CreateEnrolmentAsync(new CreateEnrolmentRequest { Parent = cohort.Name, RequestId = $"e-{i}" }, headers);
        })).ToList();
        go.Set();
        var results = await Task.WhenAll(attempts);
        var read = await new CourseService.CourseServiceClient(channelB).GetCohortAsync(new GetCohortRequest { Name = cohort.Name }, admin);

        Assert.Equal(12, results.Count(e => e.State == EnrolmentState.Enrolled));
        Assert.Equal(Enumerable.Range(1, 48), results.Where(e => e.State == EnrolmentState.Waitlisted).Select(e => e.WaitlistPosition).Order());
        Assert.Equal((12, 48), (read.EnrolledCount, read.WaitlistCount));
    }

    private string Token(string subject, string role) => DevTokens.Mint(_dataDirectory, subject, role);

    private static Metadata Headers(string token) => ServerProcess.Headers(token);
}
