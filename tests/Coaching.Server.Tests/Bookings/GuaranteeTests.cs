using System.Text;
using Coaching.Contracts.V1;
using Grpc.Core;
using static Coaching.Server.Tests.Bookings.BookingScenario;

namespace Coaching.Server.Tests.Bookings;

/// <summary>DESIGN guarantees the other suites touch but do not prove on their own.</summary>
[Collection(UsesServer.Name)]
public class GuaranteeTests(ServerFixture server) : ServerTest(server)
{
    [Fact]
    public async Task ConcurrentChangesToOneBooking_NeverSendTheSameSequenceTwice()
    {
        var s = await CreateAsync(server);
        var booking = await s.BookAsync("g-seq", At(27, 9));
        using var go = new ManualResetEventSlim(false);

        var attempts = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            go.Wait();
            try
            {
                if (i == 0)
                {
                    await s.AsCoach.CancelBookingAsync(new CancelBookingRequest { Name = booking.Name });
                }
                else
                {
                    await s.AsCoach.RescheduleBookingAsync(new RescheduleBookingRequest { Name = booking.Name, StartTime = At(27, 9 + i), RequestId = $"g-{i}" });
                }
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Aborted or StatusCode.FailedPrecondition)
            {
            }
        })).ToList();
        go.Set();
        await Task.WhenAll(attempts);

        var invites = (await new CalendarService.CalendarServiceClient(server.Channel(s.CoachToken))
            .ListInvitesAsync(new ListInvitesRequest { Parent = booking.Name })).Invites;
        var stored = await s.AsCoach.GetBookingAsync(new GetBookingRequest { Name = booking.Name });

        Assert.Equal(Enumerable.Range(0, invites.Count), invites.Select(i => i.Sequence));
        Assert.All(invites, i => Assert.Contains($"SEQUENCE:{i.Sequence}\r\n", Encoding.UTF8.GetString(i.Content.Span), StringComparison.Ordinal));
        Assert.Equal(stored.History.Count, invites.Count);
    }

    [Fact]
    public async Task WeeklyCapRace_NeverExceedsTheCap()
    {
        var s = await CreateAsync(server, o => o.WeeklyCap = 4);
        using var go = new ManualResetEventSlim(false);

        // Monday 28 Dec .. Sunday 3 Jan is one ISO week; 21 starts spread across it.
        var attempts = Enumerable.Range(0, 21).Select(i => Task.Run(async () =>
        {
            var start = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(new DateTime(2026, 12, 28, 8, 0, 0, DateTimeKind.Utc).AddHours(i * 7));
            go.Wait();
            try
            {
                await s.AsClient($"g-cap-{i}").CreateBookingAsync(s.Request(start));
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                Assert.Equal("BOOKING_LIMIT_REACHED", e.ErrorInfo().Reason);
                return false;
            }
        })).ToList();
        go.Set();
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(4, outcomes.Count(won => won));
        Assert.Equal(4, (await s.AllAsync()).Count);
    }

    [Fact]
    public async Task AnotherCoach_CannotSeeOrChangeThisCoachsBooking()
    {
        var s = await CreateAsync(server);
        var other = await CreateAsync(server);
        var booking = await s.BookAsync("g-priv", At(27, 20));

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => other.AsCoach.GetBookingAsync(new GetBookingRequest { Name = booking.Name }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => other.AsCoach.CancelBookingAsync(new CancelBookingRequest { Name = booking.Name }));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => new CalendarService.CalendarServiceClient(server.Channel(other.CoachToken))
            .ListInvitesAsync(new ListInvitesRequest { Parent = booking.Name }));

        Assert.Equal(booking, await s.AsAdmin.GetBookingAsync(new GetBookingRequest { Name = booking.Name }));
    }
}
