using System.Text;
using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace Coaching.Server.Tests.Courses;

[Collection(UsesServer.Name)]
public class EnrolmentInviteTests(ServerFixture server) : ServerTest(server)
{
    private CalendarService.CalendarServiceClient Calendar(string subject, string role = "client") => new(server.Channel(server.Token(subject, role)));

    private async Task<List<Invite>> InvitesAsync(Enrolment enrolment) =>
        [.. (await Calendar("admin-1", "admin").ListInvitesAsync(new ListInvitesRequest { Parent = enrolment.Name })).Invites];

    private static string Unfolded(Invite invite) => Encoding.UTF8.GetString(invite.Content.Span).Replace("\r\n ", string.Empty, StringComparison.Ordinal);

    [Fact]
    public async Task SeatGetsRequestForAllSessions_WaitlistNothing_WithdrawalCancels_PromotionRequests()
    {
        var s = await CohortScenario.CreateAsync(server, capacity: 1);
        var seated = await s.EnrolAsync("ei-a");
        var waiting = await s.EnrolAsync("ei-b");

        var first = await InvitesAsync(seated);
        var none = await InvitesAsync(waiting);
        await s.AsClient("ei-a").WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = seated.Name });
        var afterWithdraw = await InvitesAsync(seated);
        var promoted = await InvitesAsync(waiting);

        var request = Assert.Single(first);
        Assert.Equal((InviteMethod.Request, 0), (request.Method, request.Sequence));
        Assert.Equal(2, Unfolded(request).Split("BEGIN:VEVENT").Length - 1);
        Assert.Contains("DTSTART:20270111T180000Z", Unfolded(request), StringComparison.Ordinal);
        Assert.Contains("SUMMARY:CV development: Your story", Unfolded(request), StringComparison.Ordinal);
        Assert.Contains("ATTENDEE;CN=ei-a name;", Unfolded(request), StringComparison.Ordinal);
        Assert.Contains("mailto:ei-a@example.org", Unfolded(request), StringComparison.Ordinal);
        Assert.Empty(none);
        Assert.Equal([(InviteMethod.Request, 0), (InviteMethod.Cancel, 1)], afterWithdraw.Select(i => (i.Method, i.Sequence)));
        Assert.Contains("STATUS:CANCELLED", Unfolded(afterWithdraw[1]), StringComparison.Ordinal);
        Assert.Equal(afterWithdraw[0].Uid, afterWithdraw[1].Uid);
        Assert.Equal((InviteMethod.Request, 0), (Assert.Single(promoted).Method, promoted[0].Sequence));
    }

    [Fact]
    public async Task TeachingCoach_ReadsTheCohortsInvites_OtherCoachAndEnrolmentReadsRefused()
    {
        var s = await CohortScenario.CreateAsync(server, capacity: 2);
        var other = await server.SeedCoachAsync("Other Coach", ServerFixture.UniqueTag());
        var enrolment = await s.EnrolAsync("ei-coach");
        var teacherId = s.Coach.Name.Split('/')[1];
        var teacher = new CalendarService.CalendarServiceClient(server.Channel(server.Token($"user-of-{teacherId}", "coach", teacherId)));
        var stranger = new CalendarService.CalendarServiceClient(server.Channel(server.Token("user-of-other", "coach", other.Name.Split('/')[1])));
        var teacherCourses = new CourseService.CourseServiceClient(server.Channel(server.Token($"user-of-{teacherId}", "coach", teacherId)));

        var seen = await teacher.ListInvitesAsync(new ListInvitesRequest { Parent = enrolment.Name });
        var refused = await RpcAssert.FailsAsync(Grpc.Core.StatusCode.PermissionDenied,
            () => stranger.ListInvitesAsync(new ListInvitesRequest { Parent = enrolment.Name }));
        await RpcAssert.FailsAsync(Grpc.Core.StatusCode.NotFound,
            () => teacher.ListInvitesAsync(new ListInvitesRequest { Parent = $"{s.Cohort.Name}/enrolments/no-such-enrolment" }));
        await RpcAssert.FailsAsync(Grpc.Core.StatusCode.PermissionDenied,
            () => teacherCourses.GetEnrolmentAsync(new GetEnrolmentRequest { Name = enrolment.Name }));

        Assert.Equal((await InvitesAsync(enrolment)).Select(i => i.Content), seen.Invites.Select(i => i.Content));
        Assert.Single(seen.Invites);
        Assert.Equal("NOT_RESOURCE_OWNER", refused.ErrorInfo().Reason);
    }

    [Fact]
    public async Task ScheduleChange_SendsUpdatedRequest_CohortCancellation_SendsCancel()
    {
        var s = await CohortScenario.CreateAsync(server, capacity: 2);
        var a = await s.EnrolAsync("es-a");
        var raiseWait = await s.EnrolAsync("es-b");

        await s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort
            {
                Name = s.Cohort.Name,
                Sessions = { new CohortSession { StartTime = CohortScenario.At(12, 17), Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(120)), Title = "All in one" } },
            },
            UpdateMask = new FieldMask { Paths = { "sessions" } },
        });
        await s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Name = s.Cohort.Name, State = CohortState.Cancelled },
            UpdateMask = new FieldMask { Paths = { "state" } },
        });
        var invites = await InvitesAsync(a);

        Assert.Equal([(InviteMethod.Request, 0), (InviteMethod.Request, 1), (InviteMethod.Cancel, 2)], invites.Select(i => (i.Method, i.Sequence)));
        Assert.Contains("DTSTART:20270112T170000Z", Unfolded(invites[1]), StringComparison.Ordinal);
        Assert.Equal(3, (await InvitesAsync(raiseWait)).Count);
    }

    [Fact]
    public async Task ClientFeed_IncludesCohortSessions_AndOnlyPartiesReadEnrolmentInvites()
    {
        var s = await CohortScenario.CreateAsync(server, capacity: 2);
        var mine = await s.EnrolAsync("ef-a");

        var feed = await Calendar("ef-a").GetFeedAsync(new GetFeedRequest { Name = "users/ef-a/feed" });
        var body = (await server.Factory.CreateClient().GetStringAsync(new Uri(feed.Url).AbsolutePath)).Replace("\r\n ", string.Empty, StringComparison.Ordinal);

        Assert.Contains("DTSTART:20270111T180000Z", body, StringComparison.Ordinal);
        Assert.Contains("DTSTART:20270118T180000Z", body, StringComparison.Ordinal);
        Assert.Contains($"UID:enrolment-{mine.Name.Split('/')[^1]}-1@coaching", body, StringComparison.Ordinal);
        Assert.Single((await Calendar("ef-a").ListInvitesAsync(new ListInvitesRequest { Parent = mine.Name })).Invites);
        var coachToken = server.Token($"user-of-{s.Coach.Name}", "coach", s.Coach.Name.Split('/')[1]);
        var coachFeed = await new CalendarService.CalendarServiceClient(server.Channel(coachToken)).GetFeedAsync(new GetFeedRequest { Name = $"{s.Coach.Name}/feed" });
        var coachBody = (await server.Factory.CreateClient().GetStringAsync(new Uri(coachFeed.Url).AbsolutePath)).Replace("\r\n ", string.Empty, StringComparison.Ordinal);
        Assert.Contains($"UID:cohort-{s.Cohort.Name.Split('/')[^1]}-2@coaching", coachBody, StringComparison.Ordinal);
        Assert.Contains("SUMMARY:CV development (session 1)", coachBody, StringComparison.Ordinal);
        await RpcAssert.FailsAsync(Grpc.Core.StatusCode.PermissionDenied, () => Calendar("ef-z").ListInvitesAsync(new ListInvitesRequest { Parent = mine.Name }));
    }
}
