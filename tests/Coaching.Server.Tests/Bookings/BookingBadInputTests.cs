using Coaching.Contracts.V1;
using Grpc.Core;
using static Coaching.Server.Tests.Bookings.BookingScenario;

namespace Coaching.Server.Tests.Bookings;

/// <summary>Every BookingService RPC with malformed names, unknown ids, oversized text and wrong roles: precise status, nothing changed.</summary>
[Collection(UsesServer.Name)]
public class BookingBadInputTests(ServerFixture server) : ServerTest(server)
{
    public static TheoryData<string> Rpcs => ["get", "confirm", "decline", "cancel", "reschedule", "complete", "noshow"];

    public static TheoryData<string> Changes => ["confirm", "decline", "cancel", "reschedule", "complete", "noshow"];

    private static Task<Booking> Call(BookingService.BookingServiceClient client, string rpc, string name, string reason = "", string etag = "") => rpc switch
    {
        "get" => client.GetBookingAsync(new GetBookingRequest { Name = name }).ResponseAsync,
        "confirm" => client.ConfirmBookingAsync(new ConfirmBookingRequest { Name = name, Etag = etag }).ResponseAsync,
        "decline" => client.DeclineBookingAsync(new DeclineBookingRequest { Name = name, Reason = reason, Etag = etag }).ResponseAsync,
        "cancel" => client.CancelBookingAsync(new CancelBookingRequest { Name = name, Reason = reason, Etag = etag }).ResponseAsync,
        "reschedule" => client.RescheduleBookingAsync(new RescheduleBookingRequest { Name = name, StartTime = At(24, 15), RequestId = "r", Etag = etag }).ResponseAsync,
        "complete" => client.CompleteBookingAsync(new CompleteBookingRequest { Name = name, Etag = etag }).ResponseAsync,
        _ => client.MarkNoShowAsync(new MarkNoShowRequest { Name = name, Etag = etag }).ResponseAsync,
    };

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task MalformedOrUnknownName_InvalidArgumentOrNotFound(string rpc)
    {
        var s = await CreateAsync(server);

        var malformed = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Call(s.AsAdmin, rpc, "bookings/"));
        await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Call(s.AsAdmin, rpc, "coaches/x"));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => Call(s.AsAdmin, rpc, "bookings/01nosuchbooking00000000000"));

        Assert.Equal(["name"], malformed.ViolatedFields());
    }

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task StrangerClient_PermissionDenied_AndBookingUnchanged(string rpc)
    {
        var s = await CreateAsync(server, o => o.RequiresConfirmation = true);
        var booking = await s.BookAsync("bi-owner", At(24, 9));

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => Call(s.AsClient("bi-stranger"), rpc, booking.Name));

        Assert.Equal(booking, await s.AsAdmin.GetBookingAsync(new GetBookingRequest { Name = booking.Name }));
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task StaleEtag_AbortedOrRefused_AndBookingUnchanged(string rpc)
    {
        var s = await CreateAsync(server, o => o.RequiresConfirmation = true);
        var booking = await s.BookAsync("bi-etag", At(24, 11));

        var error = await Assert.ThrowsAsync<RpcException>(() => Call(s.AsAdmin, rpc, booking.Name, etag: "\"41\""));

        // Complete and no-show are refused first for the pending state; every other change for the stale etag.
        Assert.Equal(rpc is "complete" or "noshow" ? StatusCode.FailedPrecondition : StatusCode.Aborted, error.StatusCode);
        Assert.Equal(booking, await s.AsAdmin.GetBookingAsync(new GetBookingRequest { Name = booking.Name }));
    }

    [Theory]
    [InlineData("decline")]
    [InlineData("cancel")]
    public async Task OversizedReason_InvalidArgument_AndBookingUnchanged(string rpc)
    {
        var s = await CreateAsync(server, o => o.RequiresConfirmation = true);
        var booking = await s.BookAsync("bi-reason", At(24, 13));

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => Call(s.AsAdmin, rpc, booking.Name, reason: new string('r', 1001)));

        Assert.Equal(["reason"], error.ViolatedFields());
        Assert.Equal(booking, await s.AsAdmin.GetBookingAsync(new GetBookingRequest { Name = booking.Name }));
    }

    [Fact]
    public async Task ListBookings_BadFilters_InvalidArgument()
    {
        var s = await CreateAsync(server);

        Assert.Equal(["coach"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => s.AsAdmin.ListBookingsAsync(new ListBookingsRequest { Coach = "coach/x" }))).ViolatedFields());
        Assert.Equal(["client"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => s.AsAdmin.ListBookingsAsync(new ListBookingsRequest { Client = "people/x" }))).ViolatedFields());
        Assert.Equal(["states[0]"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => s.AsAdmin.ListBookingsAsync(new ListBookingsRequest { States = { BookingState.Unspecified } }))).ViolatedFields());
        Assert.Equal(["end_time"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => s.AsAdmin.ListBookingsAsync(new ListBookingsRequest { StartTime = At(10, 0), EndTime = At(9, 0) }))).ViolatedFields());
        Assert.Equal(["page_token"], (await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => s.AsAdmin.ListBookingsAsync(new ListBookingsRequest { PageToken = "bm9wZQ" }))).ViolatedFields());
    }
}
