using System.Net;
using System.Text;
using Coaching.Contracts.V1;
using Grpc.Core;
using static Coaching.Server.Tests.Bookings.BookingScenario;

namespace Coaching.Server.Tests.Calendar;

[Collection(UsesServer.Name)]
public class CalendarServiceTests(ServerFixture server) : ServerTest(server)
{
    private CalendarService.CalendarServiceClient Calendar(string token) => new(server.Channel(token));

    private static string Text(Invite invite) => Encoding.UTF8.GetString(invite.Content.Span);

    [Fact]
    public async Task ConfirmedBooking_RequestThenMoveThenCancel_SameUidGrowingSequence()
    {
        var s = await CreateAsync(server);
        var booking = await s.BookAsync("inv-ann", At(21, 9));
        await s.AsClient("inv-ann").RescheduleBookingAsync(new RescheduleBookingRequest { Name = booking.Name, StartTime = At(21, 11), RequestId = "m" });
        await s.AsCoach.CancelBookingAsync(new CancelBookingRequest { Name = booking.Name, Reason = "Ill" });
        var calendar = Calendar(server.Token("inv-ann", "client"));

        var invites = (await calendar.ListInvitesAsync(new ListInvitesRequest { Parent = booking.Name })).Invites;
        server.Clock.Advance(NodaTime.Duration.FromHours(3)); // a booking's invites are written when read: hours later, the same bytes
        var again = (await calendar.ListInvitesAsync(new ListInvitesRequest { Parent = booking.Name })).Invites;

        Assert.Equal([InviteMethod.Request, InviteMethod.Request, InviteMethod.Cancel], invites.Select(i => i.Method));
        Assert.Equal([0, 1, 2], invites.Select(i => i.Sequence));
        Assert.Single(invites.Select(i => i.Uid).Distinct());
        Assert.Contains("DTSTART:20261221T090000Z", Text(invites[0]), StringComparison.Ordinal);
        Assert.Contains("DTSTART:20261221T110000Z", Text(invites[1]), StringComparison.Ordinal);
        Assert.Contains("STATUS:CANCELLED", Text(invites[2]), StringComparison.Ordinal);
        Assert.Contains("METHOD:CANCEL", Text(invites[2]), StringComparison.Ordinal);
        Assert.Contains("ATTENDEE;CN=inv-ann name;", Text(invites[0]), StringComparison.Ordinal);
        Assert.Contains("mailto:inv-ann@example.org", Text(invites[0]).Replace("\r\n ", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(invites, again);
        Assert.Equal($"{booking.Name}/invites/1", invites[0].Name);
    }

    [Fact]
    public async Task PendingBooking_DeclinedBeforeConfirmation_EmitsNothing_ConfirmedThenCancelled_EmitsTwo()
    {
        var s = await CreateAsync(server, o => o.RequiresConfirmation = true);
        var declined = await s.BookAsync("inv-bob", At(21, 14));
        await s.AsCoach.DeclineBookingAsync(new DeclineBookingRequest { Name = declined.Name });
        var confirmed = await s.BookAsync("inv-bob", At(21, 16));
        await s.AsCoach.ConfirmBookingAsync(new ConfirmBookingRequest { Name = confirmed.Name });
        await s.AsClient("inv-bob").CancelBookingAsync(new CancelBookingRequest { Name = confirmed.Name });
        var calendar = Calendar(s.CoachToken);

        var none = await calendar.ListInvitesAsync(new ListInvitesRequest { Parent = declined.Name });
        var two = await calendar.ListInvitesAsync(new ListInvitesRequest { Parent = confirmed.Name });

        Assert.Empty(none.Invites);
        Assert.Equal([(InviteMethod.Request, 0), (InviteMethod.Cancel, 1)], two.Invites.Select(i => (i.Method, i.Sequence)));
    }

    [Fact]
    public async Task ListInvites_OnlyPartiesAndAdmins()
    {
        var s = await CreateAsync(server);
        var booking = await s.BookAsync("inv-carol", At(21, 19));

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Calendar(server.Token("inv-eve", "client")).ListInvitesAsync(new ListInvitesRequest { Parent = booking.Name }));
        Assert.Single((await Calendar(server.Token("admin-1", "admin")).ListInvitesAsync(new ListInvitesRequest { Parent = booking.Name })).Invites);
        Assert.Single((await Calendar(s.CoachToken).ListInvitesAsync(new ListInvitesRequest { Parent = booking.Name })).Invites);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Calendar(server.Token("admin-1", "admin")).ListInvitesAsync(new ListInvitesRequest { Parent = "bookings/none" }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Calendar(server.Token("admin-1", "admin")).ListInvitesAsync(new ListInvitesRequest { Parent = "x" }));
    }

    [Fact]
    public async Task Feed_ServesUpcomingAndCancelledSessions_WithEtag_AndRotationRevokes()
    {
        var s = await CreateAsync(server);
        var kept = await s.BookAsync("feed-dan", At(22, 9));
        var dropped = await s.BookAsync("feed-dan", At(22, 11));
        await s.AsClient("feed-dan").CancelBookingAsync(new CancelBookingRequest { Name = dropped.Name });
        var calendar = Calendar(server.Token("feed-dan", "client"));
        var http = server.Factory.CreateClient();

        var feed = await calendar.GetFeedAsync(new GetFeedRequest { Name = "users/feed-dan/feed" });
        var same = await calendar.GetFeedAsync(new GetFeedRequest { Name = "users/feed-dan/feed" });
        var path = new Uri(feed.Url).AbsolutePath;
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await http.SendAsync(conditional);
        var rotated = await calendar.RotateFeedTokenAsync(new RotateFeedTokenRequest { Name = "users/feed-dan/feed" });
        using var revoked = await http.GetAsync(path);
        using var fresh = await http.GetAsync(new Uri(rotated.Url).AbsolutePath);

        Assert.Equal(feed.Url, same.Url);
        Assert.StartsWith("http://localhost:5001/feeds/", feed.Url, StringComparison.Ordinal);
        Assert.True(new Uri(feed.Url).Segments[^1].Length >= 43 + 4, "token of at least 256 bits");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var unfolded = body.Replace("\r\n ", string.Empty, StringComparison.Ordinal);
        Assert.Contains("METHOD:PUBLISH", unfolded, StringComparison.Ordinal);
        Assert.Contains($"UID:booking-{kept.Name.Split('/')[1]}@coaching", unfolded, StringComparison.Ordinal);
        Assert.Contains($"UID:booking-{dropped.Name.Split('/')[1]}@coaching", unfolded, StringComparison.Ordinal);
        Assert.Contains("STATUS:CANCELLED", unfolded, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.NotEqual(feed.Url, rotated.Url);
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Feed_Head_AnswersLikeGetWithoutABody_UnknownTokenNotFound()
    {
        var s = await CreateAsync(server);
        await s.BookAsync("feed-head", At(22, 13));
        var feed = await Calendar(server.Token("feed-head", "client")).GetFeedAsync(new GetFeedRequest { Name = "users/feed-head/feed" });
        var path = new Uri(feed.Url).AbsolutePath;
        var http = server.Factory.CreateClient();

        using var get = await http.GetAsync(path);
        var body = await get.Content.ReadAsByteArrayAsync();
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        var headBody = await head.Content.ReadAsByteArrayAsync();
        using var conditional = new HttpRequestMessage(HttpMethod.Head, path);
        conditional.Headers.IfNoneMatch.Add(get.Headers.ETag!);
        using var notModified = await http.SendAsync(conditional);
        using var unknown = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/feeds/not-a-token.ics"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(headBody);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal("text/calendar", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(body.Length, head.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Feed_CoachFeed_AndPermissions()
    {
        var s = await CreateAsync(server);
        await s.BookAsync("feed-erin", At(23, 9));

        var coachFeed = await Calendar(s.CoachToken).GetFeedAsync(new GetFeedRequest { Name = $"{s.Coach.Name}/feed" });
        var body = await server.Factory.CreateClient().GetStringAsync(new Uri(coachFeed.Url).AbsolutePath);

        Assert.Contains("DTSTART:20261223T090000Z", body, StringComparison.Ordinal);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Calendar(server.Token("feed-erin", "client")).GetFeedAsync(new GetFeedRequest { Name = $"{s.Coach.Name}/feed" }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Calendar(server.Token("feed-erin", "client")).GetFeedAsync(new GetFeedRequest { Name = "users/someone/feed" }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Calendar(server.Token("feed-erin", "client")).GetFeedAsync(new GetFeedRequest { Name = "users/feed-erin" }));
        using var unknown = await server.Factory.CreateClient().GetAsync("/feeds/not-a-token.ics");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
