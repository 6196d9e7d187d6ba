using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace Coaching.Server.Tests.Courses;

/// <summary>A course with one cohort taught by a fresh coach, and helpers to act on it as admin or client.</summary>
public sealed class CohortScenario(ServerFixture server, Course course, Cohort cohort, Coach coach)
{
    public Course Course { get; } = course;

    public Cohort Cohort { get; private set; } = cohort;

    public Coach Coach { get; } = coach;

    public CourseService.CourseServiceClient AsAdmin => new(server.Channel(server.Token("admin-1", "admin")));

    public CourseService.CourseServiceClient AsClient(string subject) => new(server.Channel(server.Token(subject, "client")));

    public static Timestamp At(int day, int hour) => Timestamp.FromDateTime(new DateTime(2027, 1, day, hour, 0, 0, DateTimeKind.Utc));

    public static async Task<CohortScenario> CreateAsync(ServerFixture server, int capacity, CohortState state = CohortState.Open, Timestamp? openAt = null,
        Timestamp? closeAt = null)
    {
        var coach = await server.SeedCoachAsync("Course Coach", ServerFixture.UniqueTag());
        var admin = new CourseService.CourseServiceClient(server.Channel(server.Token("admin-1", "admin")));
        var course = await admin.CreateCourseAsync(new CreateCourseRequest
        {
            Course = new Course { Title = "CV development", Description = "Four evenings", Outcomes = { "A CV that gets interviews" }, SessionCount = 2 },
        });
        var now = server.Clock.GetCurrentInstant().ToDateTimeUtc();
        var cohort = await admin.CreateCohortAsync(new CreateCohortRequest
        {
            Parent = course.Name,
            Cohort = new Cohort
            {
                DisplayName = "January evenings",
                TimeZone = "Europe/London",
                Sessions =
                {
                    new CohortSession { StartTime = At(11, 18), Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(90)), Title = "Your story" },
                    new CohortSession { StartTime = At(18, 18), Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(90)), Title = "Your CV" },
                },
                Coaches = { coach.Name },
                Capacity = capacity,
                EnrolmentOpenTime = openAt ?? Timestamp.FromDateTime(now.AddDays(-1)),
                EnrolmentCloseTime = closeAt ?? At(10, 0),
                State = state,
            },
        });
        return new CohortScenario(server, course, cohort, coach);
    }

    public Task<Enrolment> EnrolAsync(string client, string? requestId = null) =>
        AsClient(client).CreateEnrolmentAsync(new CreateEnrolmentRequest { Parent = Cohort.Name, RequestId = requestId ?? Guid.NewGuid().ToString() }).ResponseAsync;

    public async Task<List<Enrolment>> AllAsync()
    {
        var all = new List<Enrolment>();
        var token = string.Empty;
        do
        {
            var page = await AsAdmin.ListEnrolmentsAsync(new ListEnrolmentsRequest { Parent = Cohort.Name, PageSize = 200, PageToken = token });
            all.AddRange(page.Enrolments);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    /// <summary>Reads the cohort over and over until <paramref name="stop"/>; the most enrolled it ever showed.</summary>
    public Task<int> WatchEnrolledAsync(CancellationToken stop) => Task.Run(async () =>
    {
        var most = 0;
        while (!stop.IsCancellationRequested)
        {
            most = Math.Max(most, (await ReadAsync()).EnrolledCount);
        }

        return most;
    });

    public Task<Cohort> ReadAsync() => AsAdmin.GetCohortAsync(new GetCohortRequest { Name = Cohort.Name }).ResponseAsync;
}
