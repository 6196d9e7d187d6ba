using Coaching.Domain.Courses;
using Coaching.Domain.Events;
using Coaching.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Coaching.Contracts.V1;
using Coaching.Domain.Common;

namespace Coaching.Server.Courses;

/// <summary>
/// coaching.v1.CourseService: translate, call one use case, translate back. The course that holds every event's cohort is
/// the event API's (coaching.v1.EventService): here it does not exist, so its cohorts and registrations are neither listed nor
/// reachable by name.
/// </summary>
[Authorize]
public sealed class CourseGrpcService(CourseDesk desk) : Proto.CourseService.CourseServiceBase
{
    public override async Task<Proto.Course> CreateCourse(Proto.CreateCourseRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var c = request.Course ?? new Proto.Course();
        return CourseMapper.ToProto(await desk.CreateCourseAsync(caller, c.Title, c.Description, [.. c.Outcomes], c.SessionCount, request.RequestId,
            context.CancellationToken));
    }

    public override async Task<Proto.Course> GetCourse(Proto.GetCourseRequest request, ServerCallContext context)
    {
        _ = context.Caller();
        return CourseMapper.ToProto(await desk.GetCourseAsync(Courses(CourseMapper.ParseCourse(request.Name, "name"), request.Name), context.CancellationToken));
    }

    public override async Task<Proto.ListCoursesResponse> ListCourses(Proto.ListCoursesRequest request, ServerCallContext context)
    {
        _ = context.Caller();
        var page = await desk.ListCoursesAsync(request.PageSize, request.PageToken, context.CancellationToken);
        return new Proto.ListCoursesResponse { Courses = { page.Items.Where(c => c.Id != ScheduledEvent.CourseId).Select(CourseMapper.ToProto) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.Cohort> CreateCohort(Proto.CreateCohortRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var courseId = Courses(CourseMapper.ParseCourse(request.Parent, "parent"), request.Parent);
        return CourseMapper.ToProto(await desk.CreateCohortAsync(caller, courseId, CourseMapper.ToNewCohort(request.Cohort), request.RequestId,
            context.CancellationToken));
    }

    public override async Task<Proto.Cohort> GetCohort(Proto.GetCohortRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (courseId, cohortId) = CourseMapper.ParseCohort(request.Name, "name");
        _ = Courses(courseId!, request.Name);
        return CourseMapper.ToProto(await desk.GetCohortAsync(caller, courseId!, cohortId!, context.CancellationToken));
    }

    public override async Task<Proto.ListCohortsResponse> ListCohorts(Proto.ListCohortsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var courseId = request.Parent == "courses/-" ? null : Courses(CourseMapper.ParseCourse(request.Parent, "parent"), request.Parent);
        var page = await desk.ListCohortsAsync(caller, courseId, CourseMapper.ToState(request.State, "state"), request.PageSize, request.PageToken,
            context.CancellationToken);
        return new Proto.ListCohortsResponse { Cohorts = { page.Items.Where(c => c.CourseId != ScheduledEvent.CourseId).Select(CourseMapper.ToProto) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.Cohort> UpdateCohort(Proto.UpdateCohortRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (courseId, cohortId) = CourseMapper.ParseCohort(request.Cohort?.Name, "cohort.name");
        _ = Courses(courseId!, request.Cohort!.Name);
        var changes = CourseMapper.ToDraft(request.Cohort, CourseMapper.Mask(request.UpdateMask));
        return CourseMapper.ToProto(await desk.UpdateCohortAsync(caller, courseId!, cohortId!, changes, request.Cohort!.Etag, context.CancellationToken));
    }

    public override async Task<Proto.Enrolment> CreateEnrolment(Proto.CreateEnrolmentRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (courseId, cohortId) = CourseMapper.ParseCohort(request.Parent, "parent");
        _ = Courses(courseId!, request.Parent);
        var client = ResourceNames.ParseOptionalUser(request.Enrolment?.Client, "enrolment.client");
        return CourseMapper.ToProto(await desk.EnrolAsync(caller, courseId!, cohortId!, client, request.RequestId, context.CancellationToken));
    }

    public override async Task<Proto.Enrolment> GetEnrolment(Proto.GetEnrolmentRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (courseId, cohortId, enrolmentId) = CourseMapper.ParseEnrolment(request.Name, "name");
        _ = Courses(courseId, request.Name);
        return CourseMapper.ToProto(await desk.GetEnrolmentAsync(caller, courseId, cohortId, enrolmentId, context.CancellationToken));
    }

    public override async Task<Proto.ListEnrolmentsResponse> ListEnrolments(Proto.ListEnrolmentsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (courseId, cohortId) = CourseMapper.ParseCohort(request.Parent, "parent", allowWildcard: true);
        _ = courseId is null ? null : Courses(courseId, request.Parent);
        var page = await desk.ListEnrolmentsAsync(caller, courseId, cohortId, CourseMapper.ToState(request.State, "state"), request.PageSize,
            request.PageToken, context.CancellationToken);
        return new Proto.ListEnrolmentsResponse { Enrolments = { page.Items.Where(e => e.CourseId != ScheduledEvent.CourseId).Select(CourseMapper.ToProto) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.Enrolment> WithdrawEnrolment(Proto.WithdrawEnrolmentRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (courseId, cohortId, enrolmentId) = CourseMapper.ParseEnrolment(request.Name, "name");
        _ = Courses(courseId, request.Name);
        return CourseMapper.ToProto(await desk.WithdrawAsync(caller, courseId, cohortId, enrolmentId, request.Etag, request.Reason, context.CancellationToken));
    }

    // A course of this API: the events' course answers NOT_FOUND, as a course that does not exist does.
    private static string Courses(string courseId, string? name) =>
        courseId == ScheduledEvent.CourseId ? Fail.NotFound<string>(name ?? ResourceNames.Course(courseId)) : courseId;
}
