using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Coaching.Server.Tests.Courses;

/// <summary>Every CourseService RPC with malformed names, unknown ids and wrong roles: precise status, nothing changed.</summary>
[Collection(UsesServer.Name)]
public class CourseBadInputTests(ServerFixture server) : ServerTest(server)
{
    [Fact]
    public async Task MalformedNames_InvalidArgument_UnknownIds_NotFound()
    {
        var s = await CohortScenario.CreateAsync(server, 3);
        var admin = s.AsAdmin;

        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.GetCourseAsync(new GetCourseRequest { Name = "course/x" }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => admin.GetCourseAsync(new GetCourseRequest { Name = "courses/nope" }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.GetCohortAsync(new GetCohortRequest { Name = s.Course.Name }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => admin.GetCohortAsync(new GetCohortRequest { Name = $"{s.Course.Name}/cohorts/nope" }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.ListCohortsAsync(new ListCohortsRequest { Parent = "x" }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => admin.ListCohortsAsync(new ListCohortsRequest { Parent = "courses/nope" }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.CreateCohortAsync(new CreateCohortRequest { Parent = "courses/" }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => admin.CreateCohortAsync(new CreateCohortRequest { Parent = "courses/nope", Cohort = s.Cohort }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.UpdateCohortAsync(new UpdateCohortRequest { UpdateMask = new FieldMask { Paths = { "capacity" } } }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Name = s.Cohort.Name, Capacity = 3 }, UpdateMask = new FieldMask { Paths = { "enrolled_count" } },
        }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.GetEnrolmentAsync(new GetEnrolmentRequest { Name = $"{s.Cohort.Name}/enrolment/x" }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => admin.GetEnrolmentAsync(new GetEnrolmentRequest { Name = $"{s.Cohort.Name}/enrolments/nope" }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => admin.WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = $"{s.Cohort.Name}/enrolments/nope" }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.ListEnrolmentsAsync(new ListEnrolmentsRequest { Parent = "courses/-/cohorts/x" }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.ListCoursesAsync(new ListCoursesRequest { PageSize = -1 }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => admin.CreateCourseAsync(new CreateCourseRequest { Course = new Course { Title = "T", SessionCount = 99 } }));
        Assert.Equal((0, 0), ((await s.ReadAsync()).EnrolledCount, (await s.ReadAsync()).WaitlistCount));
    }

    [Fact]
    public async Task WrongRoles_PermissionDenied_AndNothingChanged()
    {
        var s = await CohortScenario.CreateAsync(server, 3);
        var enrolment = await s.EnrolAsync("cb-owner");
        var coach = new CourseService.CourseServiceClient(server.Channel(server.Token($"user-of-{s.Coach.Name}", "coach", s.Coach.Name.Split('/')[1])));
        var stranger = s.AsClient("cb-stranger");

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => coach.CreateCourseAsync(new CreateCourseRequest { Course = new Course { Title = "T", SessionCount = 1 } }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => stranger.CreateCohortAsync(new CreateCohortRequest { Parent = s.Course.Name, Cohort = s.Cohort }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => stranger.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Name = s.Cohort.Name, Capacity = 1 }, UpdateMask = new FieldMask { Paths = { "capacity" } },
        }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => coach.CreateEnrolmentAsync(new CreateEnrolmentRequest { Parent = s.Cohort.Name, RequestId = "x" }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => stranger.GetEnrolmentAsync(new GetEnrolmentRequest { Name = enrolment.Name }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => stranger.WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = enrolment.Name }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => stranger.ListCohortsAsync(new ListCohortsRequest { Parent = "courses/-", State = CohortState.Draft }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => coach.ListEnrolmentsAsync(new ListEnrolmentsRequest { Parent = "courses/-/cohorts/-" }));

        var cohort = await s.ReadAsync();
        Assert.Equal((3, 1), (cohort.Capacity, cohort.EnrolledCount));
        Assert.Equal(EnrolmentState.Enrolled, (await s.AsAdmin.GetEnrolmentAsync(new GetEnrolmentRequest { Name = enrolment.Name })).State);
    }
}
