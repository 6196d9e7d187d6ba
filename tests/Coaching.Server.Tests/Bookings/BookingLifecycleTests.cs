using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using static Coaching.Server.Tests.Bookings.BookingScenario;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace Coaching.Server.Tests.Bookings;

[Collection(UsesServer.Name)]
public class BookingLifecycleTests(ServerFixture server) : ServerTest(server)
{
    [Fact]
    public async Task CreateBooking_AutoConfirmed_HoldsTheSlot()
    {
        var s = await CreateAsync(server, o => o.BufferAfter = Duration.FromTimeSpan(TimeSpan.FromMinutes(15)));

        var booking = await s.BookAsync("ann", At(7, 10));
        var slots = await new AvailabilityService.AvailabilityServiceClient(server.Channel(server.Token("bob", "client")))
            .ListAvailableSlotsAsync(new ListAvailableSlotsRequest { Offering = s.Offering.Name, StartTime = At(7, 8), EndTime = At(7, 13) });

        Assert.Equal(BookingState.Confirmed, booking.State);
        Assert.Equal("users/ann", booking.Client);
        Assert.Equal(s.Coach.Name, booking.Coach);
        Assert.Equal(At(7, 11), booking.EndTime);
        Assert.Equal("My CV", booking.Agenda);
        Assert.Equal("users/ann", Assert.Single(booking.History).Actor);
        // 09:15 would end at 10:15; 10:00-11:15 is blocked (buffer after); 11:15 is the first start after it.
        Assert.Equal([At(7, 8), At(7, 8, 15), At(7, 8, 30), At(7, 8, 45), At(7, 11, 15), At(7, 11, 30), At(7, 11, 45)],
            slots.Slots.Select(x => x.StartTime).Where(t => t < At(7, 12)));
    }

    [Fact]
    public async Task CreateBooking_RequiresConfirmation_PendingThenCoachConfirms()
    {
        var s = await CreateAsync(server, o => o.RequiresConfirmation = true);
        var booking = await s.BookAsync("ann", At(7, 10));

        var denied = await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => s.AsClient("ann").ConfirmBookingAsync(new ConfirmBookingRequest { Name = booking.Name }));
        var confirmed = await s.AsCoach.ConfirmBookingAsync(new ConfirmBookingRequest { Name = booking.Name, Etag = booking.Etag });
        var again = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => s.AsCoach.ConfirmBookingAsync(new ConfirmBookingRequest { Name = booking.Name }));

        Assert.Equal(BookingState.Pending, booking.State);
        Assert.Equal(BookingState.Confirmed, confirmed.State);
        Assert.Equal("NOT_RESOURCE_OWNER", denied.ErrorInfo().Reason);
        Assert.Equal("INVALID_STATE_TRANSITION", again.ErrorInfo().Reason);
        Assert.Equal(2, confirmed.History.Count);
    }

    [Fact]
    public async Task PendingBooking_AlreadyHoldsTheTime_DeclineFreesIt()
    {
        var s = await CreateAsync(server, o => o.RequiresConfirmation = true);
        var booking = await s.BookAsync("ann", At(7, 10));

        var taken = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("bob").CreateBookingAsync(s.Request(At(7, 10, 30))));
        var declined = await s.AsCoach.DeclineBookingAsync(new DeclineBookingRequest { Name = booking.Name, Reason = "Away" });
        var rebooked = await s.BookAsync("bob", At(7, 10, 30));

        Assert.Equal("SLOT_UNAVAILABLE", taken.ErrorInfo().Reason);
        Assert.Equal(BookingState.Declined, declined.State);
        Assert.Equal("Away", declined.History[^1].Reason);
        Assert.Equal(BookingState.Pending, rebooked.State);
    }

    [Fact]
    public async Task CreateBooking_Retry_ReturnsOriginal_ReusedIdWithOtherContent_AlreadyExists()
    {
        var s = await CreateAsync(server);
        var request = s.Request(At(8, 9), "retry-1");

        var first = await s.AsClient("ann").CreateBookingAsync(request);
        var retry = await s.AsClient("ann").CreateBookingAsync(request);
        var reused = await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => s.AsClient("ann").CreateBookingAsync(s.Request(At(8, 12), "retry-1")));

        Assert.Equal(first, retry);
        Assert.Equal("REQUEST_ID_REUSED", reused.ErrorInfo().Reason);
        Assert.Single(await s.AllAsync());
    }

    [Fact]
    public async Task CreateBooking_EachRefusal_HasItsReason_AndStoresNothing()
    {
        var s = await CreateAsync(server, o =>
        {
            o.MinimumNotice = Duration.FromTimeSpan(TimeSpan.FromHours(24));
            o.BookingHorizon = Duration.FromTimeSpan(TimeSpan.FromDays(20));
            o.DailyCap = 1;
        });
        await s.BookAsync("ann", At(9, 9));
        var client = s.AsClient("bob");

        async Task<string> Reason(Timestamp start) =>
            (await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => client.CreateBookingAsync(s.Request(start)))).ErrorInfo().Reason;

        Assert.Equal("OUTSIDE_AVAILABILITY", await Reason(At(10, 9, 7)));
        Assert.Equal("NOTICE_TOO_SHORT", await Reason(Timestamp.FromDateTime(new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc))));
        Assert.Equal("BEYOND_BOOKING_HORIZON", await Reason(At(28, 9)));
        Assert.Equal("SLOT_UNAVAILABLE", await Reason(At(9, 9, 30)));
        Assert.Equal("BOOKING_LIMIT_REACHED", await Reason(At(9, 15)));
        Assert.Single(await s.AllAsync());
    }

    [Fact]
    public async Task CreateBooking_BadInput_PreciseStatus_AndStoresNothing()
    {
        var s = await CreateAsync(server);
        var client = s.AsClient("bob");
        var noRequestId = s.Request(At(9, 9));
        noRequestId.RequestId = string.Empty;
        var hugeAgenda = s.Request(At(9, 9), agenda: new string('x', 4001));
        var badTime = s.Request(new Timestamp { Seconds = 253_402_300_800 });
        var badOffering = s.Request(At(9, 9));
        badOffering.Booking.Offering = "offerings/x";
        var unknownOffering = s.Request(At(9, 9));
        unknownOffering.Booking.Offering = $"{s.Coach.Name}/offerings/01nosuchoffering0000000000";

        Assert.Equal(["request_id"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.CreateBookingAsync(noRequestId))).ViolatedFields());
        Assert.Equal(["booking.agenda"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.CreateBookingAsync(hugeAgenda))).ViolatedFields());
        Assert.Equal(["booking.start_time"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.CreateBookingAsync(badTime))).ViolatedFields());
        Assert.Equal(["booking.offering"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.CreateBookingAsync(badOffering))).ViolatedFields());
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.CreateBookingAsync(new CreateBookingRequest { RequestId = "x" }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => client.CreateBookingAsync(unknownOffering));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsCoach.CreateBookingAsync(s.Request(At(9, 9))));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => client.CreateBookingAsync(s.Request(At(9, 9), client: "users/someone-else")));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => s.AsAdmin.CreateBookingAsync(s.Request(At(9, 9))));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => new BookingService.BookingServiceClient(server.Channel(null)).CreateBookingAsync(s.Request(At(9, 9))));
        Assert.Empty(await s.AllAsync());
    }

    [Fact]
    public async Task AdminBooksOnBehalf_ClientSeesIt()
    {
        var s = await CreateAsync(server);

        var booking = await s.AsAdmin.CreateBookingAsync(s.Request(At(9, 9), client: "users/carol"));
        var seen = await s.AsClient("carol").GetBookingAsync(new GetBookingRequest { Name = booking.Name });

        Assert.Equal("users/carol", seen.Client);
        Assert.Equal("users/admin-1", seen.History[0].Actor);
    }

    [Fact]
    public async Task Cancel_ClientBeforeCutoff_FreesTime_AfterCutoff_Refused_CoachAnytime()
    {
        var s = await CreateAsync(server, o => o.CancellationCutoff = Duration.FromTimeSpan(TimeSpan.FromHours(48)));
        var early = await s.BookAsync("ann", At(10, 9));
        var soon = await s.BookAsync("ann", Timestamp.FromDateTime(new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc)));

        var cancelled = await s.AsClient("ann").CancelBookingAsync(new CancelBookingRequest { Name = early.Name, Etag = early.Etag, Reason = "Ill" });
        var rebooked = await s.BookAsync("bob", At(10, 9));
        var late = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => s.AsClient("ann").CancelBookingAsync(new CancelBookingRequest { Name = soon.Name }));
        var byCoach = await s.AsCoach.CancelBookingAsync(new CancelBookingRequest { Name = soon.Name });

        Assert.Equal(BookingState.Cancelled, cancelled.State);
        Assert.Equal("Ill", cancelled.History[^1].Reason);
        Assert.Equal(BookingState.Confirmed, rebooked.State);
        Assert.Equal("CANCELLATION_WINDOW_CLOSED", late.ErrorInfo().Reason);
        Assert.Equal(BookingState.Cancelled, byCoach.State);
    }

    [Fact]
    public async Task Cancel_StaleEtag_Aborted_OtherClient_Denied_Twice_FailedPrecondition()
    {
        var s = await CreateAsync(server);
        var booking = await s.BookAsync("ann", At(11, 9));

        await RpcAssert.FailsAsync(StatusCode.Aborted, () => s.AsClient("ann").CancelBookingAsync(new CancelBookingRequest { Name = booking.Name, Etag = "\"7\"" }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("eve").CancelBookingAsync(new CancelBookingRequest { Name = booking.Name }));
        await s.AsClient("ann").CancelBookingAsync(new CancelBookingRequest { Name = booking.Name });
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("ann").CancelBookingAsync(new CancelBookingRequest { Name = booking.Name }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => s.AsClient("ann").CancelBookingAsync(new CancelBookingRequest { Name = "bookings/nope" }));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => s.AsClient("ann").CancelBookingAsync(new CancelBookingRequest { Name = "booking/x" }));
    }

    [Fact]
    public async Task Reschedule_MovesKeepingIdentity_FreesOldTime_RefusesTakenSlotLeavingOriginalIntact()
    {
        var s = await CreateAsync(server);
        var mine = await s.BookAsync("ann", At(12, 9));
        await s.BookAsync("bob", At(12, 14));

        var moved = await s.AsClient("ann").RescheduleBookingAsync(new RescheduleBookingRequest { Name = mine.Name, StartTime = At(12, 10, 30), RequestId = "mv-1" });
        var retried = await s.AsClient("ann").RescheduleBookingAsync(new RescheduleBookingRequest { Name = mine.Name, StartTime = At(12, 10, 30), RequestId = "mv-1" });
        var refused = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("ann").RescheduleBookingAsync(
            new RescheduleBookingRequest { Name = mine.Name, StartTime = At(12, 14, 30), RequestId = "mv-2" }));
        var oldTimeTaken = await s.BookAsync("carol", At(12, 9));
        var after = await s.AsClient("ann").GetBookingAsync(new GetBookingRequest { Name = mine.Name });

        Assert.Equal(mine.Name, moved.Name);
        Assert.Equal(At(12, 10, 30), moved.StartTime);
        Assert.Equal(At(12, 9), moved.History[^1].PreviousStartTime);
        Assert.Equal(moved, retried);
        Assert.Equal("SLOT_UNAVAILABLE", refused.ErrorInfo().Reason);
        Assert.Equal(BookingState.Confirmed, oldTimeTaken.State);
        Assert.Equal(moved, after);
    }

    [Fact]
    public async Task Reschedule_OverlappingItsOwnTime_IsAllowed()
    {
        var s = await CreateAsync(server);
        var mine = await s.BookAsync("ann", At(13, 9));

        var moved = await s.AsClient("ann").RescheduleBookingAsync(new RescheduleBookingRequest { Name = mine.Name, StartTime = At(13, 9, 30), RequestId = "x" });

        Assert.Equal(At(13, 9, 30), moved.StartTime);
    }

    [Fact]
    public async Task CompleteAndNoShow_OnlyAfterStart_ByCoach()
    {
        var s = await CreateAsync(server);
        var start = server.Clock.GetCurrentInstant().ToDateTimeUtc().Date.AddDays(1).AddHours(9);
        var a = await s.BookAsync("ann", Timestamp.FromDateTime(start));
        var b = await s.BookAsync("bob", Timestamp.FromDateTime(start.AddHours(2)));

        var early = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsCoach.CompleteBookingAsync(new CompleteBookingRequest { Name = a.Name }));
        server.Clock.AdvanceHours(48);
        try
        {
            await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("ann").CompleteBookingAsync(new CompleteBookingRequest { Name = a.Name }));
            var done = await s.AsCoach.CompleteBookingAsync(new CompleteBookingRequest { Name = a.Name });
            var missed = await s.AsCoach.MarkNoShowAsync(new MarkNoShowRequest { Name = b.Name });
            var cancelDone = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsCoach.CancelBookingAsync(new CancelBookingRequest { Name = a.Name }));

            Assert.Equal("SESSION_NOT_STARTED", early.ErrorInfo().Reason);
            Assert.Equal(BookingState.Completed, done.State);
            Assert.Equal(BookingState.NoShow, missed.State);
            Assert.Equal("INVALID_STATE_TRANSITION", cancelDone.ErrorInfo().Reason);
        }
        finally
        {
            server.Clock.AdvanceHours(-48);
        }
    }

    [Fact]
    public async Task GetAndList_EachRoleSeesOnlyWhatItMay()
    {
        var s = await CreateAsync(server);
        var ann1 = await s.BookAsync("ann-l", At(14, 9));
        var bob = await s.BookAsync("bob-l", At(14, 11));
        var ann2 = await s.BookAsync("ann-l", At(14, 13));

        var annList = await s.AsClient("ann-l").ListBookingsAsync(new ListBookingsRequest());
        var coachList = await s.AsCoach.ListBookingsAsync(new ListBookingsRequest { PageSize = 2 });
        var coachNext = await s.AsCoach.ListBookingsAsync(new ListBookingsRequest { PageSize = 2, PageToken = coachList.NextPageToken });

        Assert.Equal([ann1.Name, ann2.Name], annList.Bookings.Select(b => b.Name));
        Assert.Equal([ann1.Name, bob.Name, ann2.Name], coachList.Bookings.Concat(coachNext.Bookings).Select(b => b.Name));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("bob-l").GetBookingAsync(new GetBookingRequest { Name = ann1.Name }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("bob-l").ListBookingsAsync(new ListBookingsRequest { Client = "users/ann-l" }));
        var other = await server.SeedCoachAsync("Other");
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsCoach.ListBookingsAsync(new ListBookingsRequest { Coach = other.Name }));
        var filtered = await s.AsAdmin.ListBookingsAsync(new ListBookingsRequest { Coach = s.Coach.Name, StartTime = At(14, 10), EndTime = At(14, 12) });
        Assert.Equal([bob.Name], filtered.Bookings.Select(b => b.Name));
    }
}
