using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Coaching.Server.Tests.Courses;

/// <summary>Guarantee 3 for courses and cohorts: a retried create returns the original; a reused id with other content is refused.</summary>
[Collection(UsesServer.Name)]
public class CourseIdempotencyTests(ServerFixture server) : ServerTest(server)
{
    [Fact]
    public async Task CreateCourseAndCohort_Retried_ReturnOriginals()
    {
        var s = await CohortScenario.CreateAsync(server, 3);
        var admin = s.AsAdmin;
        var courseRequest = new CreateCourseRequest { Course = new Course { Title = "Interview skills", SessionCount = 1 }, RequestId = Guid.NewGuid().ToString() };

        var course = await admin.CreateCourseAsync(courseRequest);
        var retried = await admin.CreateCourseAsync(courseRequest);
        var reused = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => admin.CreateCourseAsync(
            new CreateCourseRequest { Course = new Course { Title = "Other", SessionCount = 1 }, RequestId = courseRequest.RequestId }));

        var cohortRequest = new CreateCohortRequest
        {
            Parent = course.Name,
            Cohort = new Cohort
            {
                DisplayName = "Spring", TimeZone = "Europe/Paris", Capacity = 4, Coaches = { s.Coach.Name },
                Sessions = { new CohortSession { StartTime = CohortScenario.At(20, 9), Duration = Duration.FromTimeSpan(TimeSpan.FromHours(1)) } },
                EnrolmentCloseTime = CohortScenario.At(19, 0),
            },
            RequestId = Guid.NewGuid().ToString(),
        };
        var cohort = await admin.CreateCohortAsync(cohortRequest);
        var cohortRetried = await admin.CreateCohortAsync(cohortRequest);
        var listed = await admin.ListCohortsAsync(new ListCohortsRequest { Parent = course.Name });

        Assert.Equal(course, retried);
        Assert.Equal("REQUEST_ID_REUSED", reused.ErrorInfo().Reason);
        Assert.Equal(cohort, cohortRetried);
        Assert.Single(listed.Cohorts);
    }
}
