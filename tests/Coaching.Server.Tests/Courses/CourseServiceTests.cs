using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static Coaching.Server.Tests.Courses.CohortScenario;

namespace Coaching.Server.Tests.Courses;

[Collection(UsesServer.Name)]
public class CourseServiceTests(ServerFixture server) : ServerTest(server)
{
    [Fact]
    public async Task Enrol_FillsSeatsThenWaitlistsInOrder_AndCountsShow()
    {
        var s = await CreateAsync(server, capacity: 2);

        var a = await s.EnrolAsync("c-a");
        var b = await s.EnrolAsync("c-b");
        var c = await s.EnrolAsync("c-c");
        var d = await s.EnrolAsync("c-d");
        var cohort = await s.AsClient("c-a").GetCohortAsync(new GetCohortRequest { Name = s.Cohort.Name });

        Assert.Equal([EnrolmentState.Enrolled, EnrolmentState.Enrolled, EnrolmentState.Waitlisted, EnrolmentState.Waitlisted],
            new[] { a, b, c, d }.Select(e => e.State));
        Assert.Equal([0, 0, 1, 2], new[] { a, b, c, d }.Select(e => e.WaitlistPosition));
        Assert.Equal((2, 0, 2), (cohort.EnrolledCount, cohort.SeatsLeft, cohort.WaitlistCount));
        Assert.Equal("users/c-c", c.Client);
    }

    [Fact]
    public async Task EnrolTwice_ReturnsTheSameEnrolment_RetryToo()
    {
        var s = await CreateAsync(server, capacity: 1);

        var first = await s.EnrolAsync("twice", "req-1");
        var retry = await s.EnrolAsync("twice", "req-1");
        var again = await s.EnrolAsync("twice", "req-2");

        Assert.Equal(first, retry);
        Assert.Equal(first.Name, again.Name);
        Assert.Single(await s.AllAsync());
    }

    [Fact]
    public async Task Enrol_WaitlistFull_FailedPrecondition_WaitlistFull_NothingStored()
    {
        var s = await CreateAsync(server, capacity: 1);
        await s.EnrolAsync("wf-seat");
        await Task.WhenAll(Enumerable.Range(0, Coaching.Domain.Courses.Cohort.MaxWaitlist).Select(i => s.EnrolAsync($"wf-{i}")));

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.EnrolAsync("wf-late"));

        Assert.Equal(("WAITLIST_FULL", s.Cohort.Name), (error.ErrorInfo().Reason, error.ErrorInfo().Metadata["resource"]));
        Assert.Equal((1, Coaching.Domain.Courses.Cohort.MaxWaitlist), (await s.ReadAsync()) is var c ? (c.EnrolledCount, c.WaitlistCount) : default);
    }

    [Fact]
    public async Task Enrol_RequestIdReusedForAnotherCohort_AlreadyExists_RequestIdReused_NothingStored()
    {
        var january = await CreateAsync(server, capacity: 3);
        var february = await CreateAsync(server, capacity: 3);
        var requestId = $"reuse-{Guid.NewGuid():N}";

        var first = await january.EnrolAsync("reuser", requestId);
        var error = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => february.EnrolAsync("reuser", requestId));
        var retry = await january.EnrolAsync("reuser", requestId);

        Assert.Equal("REQUEST_ID_REUSED", error.ErrorInfo().Reason);
        Assert.Equal(["request_id"], error.ViolatedFields());
        Assert.Empty(await february.AllAsync());
        Assert.Equal(first, retry);
    }

    [Fact]
    public async Task Withdraw_PromotesFirstWaitlisted_AndPositionsCloseUp()
    {
        var s = await CreateAsync(server, capacity: 1);
        var seat = await s.EnrolAsync("w-a");
        var first = await s.EnrolAsync("w-b");
        var second = await s.EnrolAsync("w-c");
        var third = await s.EnrolAsync("w-d");

        var withdrawn = await s.AsClient("w-a").WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = seat.Name, Etag = seat.Etag, Reason = "Moved" });
        await s.AsClient("w-c").WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = second.Name });
        var all = (await s.AllAsync()).ToDictionary(e => e.Name);

        Assert.Equal(EnrolmentState.Withdrawn, withdrawn.State);
        Assert.Equal(EnrolmentState.Enrolled, all[first.Name].State);
        Assert.Equal(EnrolmentState.Withdrawn, all[second.Name].State);
        Assert.Equal((EnrolmentState.Waitlisted, 1), (all[third.Name].State, all[third.Name].WaitlistPosition));
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("w-a").WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = seat.Name }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("w-x").WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = third.Name }));
    }

    [Fact]
    public async Task RaisingCapacity_PromotesImmediately_LoweringBelowEnrolment_Refused()
    {
        var s = await CreateAsync(server, capacity: 1);
        await s.EnrolAsync("r-a");
        var b = await s.EnrolAsync("r-b");
        var c = await s.EnrolAsync("r-c");
        var cohort = await s.ReadAsync();

        var raised = await s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Name = s.Cohort.Name, Capacity = 2, Etag = cohort.Etag },
            UpdateMask = new FieldMask { Paths = { "capacity" } },
        });
        var lowered = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Name = s.Cohort.Name, Capacity = 1 },
            UpdateMask = new FieldMask { Paths = { "capacity" } },
        }));
        var stale = await RpcAssert.FailsAsync(StatusCode.Aborted, () => s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Name = s.Cohort.Name, Capacity = 5, Etag = cohort.Etag },
            UpdateMask = new FieldMask { Paths = { "capacity" } },
        }));
        var all = (await s.AllAsync()).ToDictionary(e => e.Name);

        Assert.Equal((2, 0, 1), (raised.EnrolledCount, raised.SeatsLeft, raised.WaitlistCount));
        Assert.Equal(EnrolmentState.Enrolled, all[b.Name].State);
        Assert.Equal((EnrolmentState.Waitlisted, 1), (all[c.Name].State, all[c.Name].WaitlistPosition));
        Assert.Equal("CAPACITY_BELOW_ENROLMENT", lowered.ErrorInfo().Reason);
        Assert.Equal("ETAG_MISMATCH", stale.ErrorInfo().Reason);
        Assert.Equal(2, (await s.ReadAsync()).Capacity);
    }

    [Fact]
    public async Task Enrol_RefusedWithReasons_AndNothingStored()
    {
        var closed = await CreateAsync(server, 5, CohortState.Closed);
        var draft = await CreateAsync(server, 5, CohortState.Draft);
        var late = await CreateAsync(server, 5, closeAt: Timestamp.FromDateTime(server.Clock.GetCurrentInstant().ToDateTimeUtc().AddMinutes(-1)));
        var early = await CreateAsync(server, 5, openAt: Timestamp.FromDateTime(server.Clock.GetCurrentInstant().ToDateTimeUtc().AddDays(1)));

        Assert.Equal("COHORT_NOT_OPEN", (await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => closed.EnrolAsync("x"))).ErrorInfo().Reason);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => draft.EnrolAsync("x"));
        Assert.Equal("ENROLMENT_CLOSED", (await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => late.EnrolAsync("x"))).ErrorInfo().Reason);
        Assert.Equal("ENROLMENT_NOT_OPEN_YET", (await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => early.EnrolAsync("x"))).ErrorInfo().Reason);
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => closed.AsClient("x").CreateEnrolmentAsync(new CreateEnrolmentRequest { Parent = closed.Cohort.Name }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => closed.AsClient("x").CreateEnrolmentAsync(new CreateEnrolmentRequest { Parent = "courses/x", RequestId = "r" }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => closed.AsClient("x").CreateEnrolmentAsync(
            new CreateEnrolmentRequest { Parent = closed.Cohort.Name, RequestId = "r", Enrolment = new Enrolment { Client = "users/other" } }));
        foreach (var s in new[] { closed, draft, late, early })
        {
            Assert.Empty(await s.AllAsync());
        }
    }

    [Fact]
    public async Task Cancelling_TheCohort_StopsEnrolment_AndIsFinal()
    {
        var s = await CreateAsync(server, 5);
        await s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Name = s.Cohort.Name, State = CohortState.Cancelled },
            UpdateMask = new FieldMask { Paths = { "state" } },
        });

        Assert.Equal("COHORT_CANCELLED", (await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.EnrolAsync("x"))).ErrorInfo().Reason);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Name = s.Cohort.Name, State = CohortState.Open },
            UpdateMask = new FieldMask { Paths = { "state" } },
        }));
    }

    [Fact]
    public async Task Roles_AdminsRunCourses_ClientsListTheirOwnEnrolments()
    {
        var s = await CreateAsync(server, 3);
        await s.EnrolAsync("own-a");

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("own-a").CreateCourseAsync(new CreateCourseRequest { Course = new Course { Title = "X", SessionCount = 1 } }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("own-a").ListEnrolmentsAsync(new ListEnrolmentsRequest { Parent = s.Cohort.Name }));
        var own = await s.AsClient("own-a").ListEnrolmentsAsync(new ListEnrolmentsRequest { Parent = "courses/-/cohorts/-" });
        var none = await s.AsClient("own-b").ListEnrolmentsAsync(new ListEnrolmentsRequest { Parent = "courses/-/cohorts/-" });
        var listed = await s.AsClient("own-a").ListCohortsAsync(new ListCohortsRequest { Parent = s.Course.Name });
        var invalid = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => s.AsAdmin.CreateCohortAsync(new CreateCohortRequest
        {
            Parent = s.Course.Name,
            Cohort = new Cohort { DisplayName = "", TimeZone = "Nowhere", Capacity = 0, Coaches = { s.Coach.Name } },
        }));

        Assert.Equal("users/own-a", Assert.Single(own.Enrolments).Client);
        Assert.Empty(none.Enrolments);
        Assert.Equal(s.Cohort.Name, Assert.Single(listed.Cohorts).Name);
        Assert.Contains("cohort.capacity", invalid.ViolatedFields());
        Assert.Contains("cohort.time_zone", invalid.ViolatedFields());
    }

    [Fact]
    public async Task CohortSessions_AreBusyTimeForTheCoach_AndCannotBeGivenOverABooking()
    {
        var s = await CreateAsync(server, 3);
        var coachToken = server.Token($"user-of-{s.Coach.Name}", "coach", s.Coach.Name.Split('/')[1]);
        var offering = await server.CoachCoaches(s.Coach.Name).CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = s.Coach.Name,
            Offering = new Offering { Title = "Call", Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(60)), BookingHorizon = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(90)) },
        });
        await new AvailabilityService.AvailabilityServiceClient(server.Channel(coachToken)).UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
        {
            WeeklySchedule = new WeeklySchedule
            {
                Name = $"{s.Coach.Name}/weeklySchedule",
                Windows = { Enumerable.Range(1, 7).Select(d => new WeeklyWindow { Weekday = (Weekday)d, StartTime = new TimeOfDay { Hours = 0 }, EndTime = new TimeOfDay { Hours = 24 } }) },
            },
        });
        var client = new BookingService.BookingServiceClient(server.Channel(server.Token("busy-client", "client")));

        var slots = await new AvailabilityService.AvailabilityServiceClient(server.Channel(coachToken)).ListAvailableSlotsAsync(
            new ListAvailableSlotsRequest { Offering = offering.Name, StartTime = At(11, 16), EndTime = At(11, 21) });
        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => client.CreateBookingAsync(new CreateBookingRequest
        {
            Booking = new Booking { Offering = offering.Name, StartTime = At(11, 18) }, RequestId = "b1",
        }));
        await client.CreateBookingAsync(new CreateBookingRequest { Booking = new Booking { Offering = offering.Name, StartTime = At(25, 18) }, RequestId = "b2" });
        var conflict = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort
            {
                Name = s.Cohort.Name,
                Sessions = { new CohortSession { StartTime = At(25, 18), Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(60)) } },
            },
            UpdateMask = new FieldMask { Paths = { "sessions" } },
        }));

        // Session 18:00-19:30 on the 11th: 60-minute starts from 17:15 to 19:15 overlap it.
        Assert.Equal([At(11, 16), At(11, 16).Plus(15), At(11, 16).Plus(30), At(11, 16).Plus(45), At(11, 17), At(11, 19).Plus(30), At(11, 19).Plus(45), At(11, 20),
            At(11, 20).Plus(15), At(11, 20).Plus(30), At(11, 20).Plus(45)],
            slots.Slots.Select(x => x.StartTime));
        Assert.Equal("SLOT_UNAVAILABLE", refused.ErrorInfo().Reason);
        Assert.Equal("COACH_SESSION_CONFLICT", conflict.ErrorInfo().Reason);
    }
}

internal static class TimestampMinutes
{
    public static Timestamp Plus(this Timestamp t, int minutes) => Timestamp.FromDateTime(t.ToDateTime().AddMinutes(minutes));
}
