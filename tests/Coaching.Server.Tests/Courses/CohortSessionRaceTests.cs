using Coaching.Contracts.V1;
using Coaching.Server.Tests.Bookings;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace Coaching.Server.Tests.Courses;

/// <summary>
/// A cohort update that gives a coach an overlapping session races 64 bookings of that coach's time: the database
/// refuses the second of the two kinds of commitment whichever commits first, so they never both stand.
/// </summary>
public abstract class CohortSessionRaceTests(ServerFixture server, Xunit.Abstractions.ITestOutputHelper output) : ServerTest(server)
{
    private const int Racers = 64;

    [SkippableFact]
    public async Task CohortUpdateAddingAnOverlappingSession_Races64Bookings_NeverBothStand()
    {
        server.SkipIfAbsent();
        var s = await BookingScenario.CreateAsync(server);
        var admin = new CourseService.CourseServiceClient(server.Channel(server.Token("admin-1", "admin")));
        var course = await admin.CreateCourseAsync(new CreateCourseRequest { Course = new Course { Title = "CV development", SessionCount = 1 } });
        var cohort = await admin.CreateCohortAsync(new CreateCohortRequest
        {
            Parent = course.Name,
            Cohort = new Cohort
            {
                DisplayName = "Race cohort", TimeZone = "UTC", Capacity = 10, Coaches = { s.Coach.Name }, State = CohortState.Open,
                Sessions = { Session(BookingScenario.At(9, 6)) },
                EnrolmentOpenTime = Timestamp.FromDateTime(server.Clock.GetCurrentInstant().ToDateTimeUtc().AddDays(-1)),
                EnrolmentCloseTime = BookingScenario.At(9, 0),
            },
        });
        var clients = Enumerable.Range(0, Racers).Select(i => s.AsClient($"cohort-racer-{i}")).ToList();
        int bookingsWon = 0, cohortWon = 0;

        for (var round = 0; round < 12; round++)
        {
            // A 60-minute booking at 10:00 and a 90-minute session from 10:30 on the same day overlap by 30 minutes.
            var slot = BookingScenario.At(10 + round, 10);
            var session = Session(BookingScenario.At(10 + round, 10, 30));
            using var go = new ManualResetEventSlim(false);
            var bookings = clients.Select(c => Task.Run(async () =>
            {
                go.Wait();
                try
                {
                    return (Booking?)await c.CreateBookingAsync(s.Request(slot));
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                {
                    Assert.Equal("SLOT_UNAVAILABLE", e.ErrorInfo().Reason);
                    return null;
                }
            })).ToList();
            var update = Task.Run(async () =>
            {
                go.Wait();
                try
                {
                    return await admin.UpdateCohortAsync(new UpdateCohortRequest
                    {
                        Cohort = new Cohort { Name = cohort.Name, Sessions = { cohort.Sessions, session } },
                        UpdateMask = new FieldMask { Paths = { "sessions" } },
                    });
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
                {
                    Assert.Equal("COACH_SESSION_CONFLICT", e.ErrorInfo().Reason);
                    return null;
                }
            });
            go.Set();
            var booked = (await Task.WhenAll(bookings)).Where(b => b is not null).ToList();
            var updated = await update;

            Assert.True(booked.Count + (updated is null ? 0 : 1) == 1,
                $"round {round}: {booked.Count} bookings and {(updated is null ? "no" : "a")} cohort session stand for the same coach time");
            bookingsWon += booked.Count;
            cohortWon += updated is null ? 0 : 1;
            cohort = updated ?? await admin.GetCohortAsync(new GetCohortRequest { Name = cohort.Name });
        }

        output.WriteLine($"12 rounds: a booking won {bookingsWon}, the cohort session won {cohortWon}");
        var stored = await s.AllAsync(BookingState.Confirmed, BookingState.Pending);
        var sessions = (await admin.GetCohortAsync(new GetCohortRequest { Name = cohort.Name })).Sessions;
        Assert.All(stored, b => Assert.DoesNotContain(sessions, x =>
            x.StartTime.ToDateTime() < b.EndTime.ToDateTime() && b.StartTime.ToDateTime() < x.StartTime.ToDateTime() + x.Duration.ToTimeSpan()));
        Assert.Equal(12, bookingsWon + cohortWon);
        Assert.Equal(bookingsWon, stored.Count);
    }

    private static CohortSession Session(Timestamp start) =>
        new() { StartTime = start, Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(90)), Title = "Session" };
}
