using Coaching.Contracts.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Coaching.Server.Tests.Platform;

[Collection(UsesServer.Name)]
public class IdentityTests(ServerFixture server) : ServerTest(server)
{
    [Fact]
    public async Task NoToken_Unauthenticated()
    {
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => server.Coaches(null).ListCoachesAsync(new ListCoachesRequest()));
    }

    [Fact]
    public async Task TokenSignedWithOtherKey_Unauthenticated()
    {
        var forged = server.Token("admin-1", "admin", key: new byte[32]);

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => server.Coaches(forged).ListCoachesAsync(new ListCoachesRequest()));
    }

    [Fact]
    public async Task AValidatedToken_IsRecognisedAgain_ButNotATokenDifferingOnlyInItsSignature()
    {
        var validated = server.Factory.Services.GetRequiredService<Coaching.Server.Identity.ValidatedTokens>();
        var token = server.Token("cached-admin", "admin");
        await server.Coaches(token).ListCoachesAsync(new ListCoachesRequest());
        Assert.True(validated.TryGet(token, DateTimeOffset.UtcNow, out var principal));
        Assert.Equal("cached-admin", principal.FindFirst("sub")?.Value);

        // The same header and claims with the signature's first character changed: validated from scratch, and refused.
        var signature = token.LastIndexOf('.') + 1;
        var forged = token[..signature] + (token[signature] == 'A' ? 'B' : 'A') + token[(signature + 1)..];
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => server.Coaches(forged).ListCoachesAsync(new ListCoachesRequest()));

        // The genuine token still works (from the table), and is who it says.
        var coach = await server.Coaches(token).CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Cached Caller's Coach", Email = "cached@example.org", TimeZone = "UTC" },
        });
        Assert.NotEmpty(coach.Name);
    }

    [Fact]
    public void TheTable_KeepsATokenUntilItExpiresOrFiveMinutesPass_WhicheverIsFirst()
    {
        var table = new Coaching.Server.Identity.ValidatedTokens();
        var now = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        var someone = new System.Security.Claims.ClaimsPrincipal();

        table.Add("short", someone, now.AddMinutes(1), now);
        table.Add("long", someone, now.AddHours(1), now);
        table.Add("expired", someone, now.AddSeconds(-1), now);

        Assert.True(table.TryGet("short", now.AddSeconds(59), out _));
        Assert.False(table.TryGet("short", now.AddMinutes(1), out _));
        Assert.True(table.TryGet("long", now.AddMinutes(4).AddSeconds(59), out _));
        Assert.False(table.TryGet("long", now.AddMinutes(5), out _));
        Assert.False(table.TryGet("expired", now, out _));
        Assert.False(table.TryGet("never", now, out _));
    }

    [Fact]
    public void TheTable_WhenFull_StartsAgainRatherThanGrowing()
    {
        var table = new Coaching.Server.Identity.ValidatedTokens();
        var now = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i <= Coaching.Server.Identity.ValidatedTokens.Capacity; i++)
        {
            table.Add($"token-{i}", new System.Security.Claims.ClaimsPrincipal(), now.AddHours(1), now);
        }

        Assert.Equal(1, table.Count);
        Assert.True(table.TryGet($"token-{Coaching.Server.Identity.ValidatedTokens.Capacity}", now, out _));
    }

    [Fact]
    public async Task ExpiredToken_Unauthenticated()
    {
        var expired = server.Token("admin-1", "admin", expires: DateTime.UtcNow.AddHours(-1));

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => server.Coaches(expired).ListCoachesAsync(new ListCoachesRequest()));
    }

    [Fact]
    public async Task GarbageBearer_Unauthenticated()
    {
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => server.Coaches("not.a.jwt").ListCoachesAsync(new ListCoachesRequest()));
    }

    [Theory]
    [InlineData("superuser", null, "UNKNOWN_ROLE")]
    [InlineData("coach", null, "COACH_NOT_BOUND")]
    public async Task ValidTokenWithUnusableRole_PermissionDenied(string role, string? coachId, string reason)
    {
        var error = await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => server.Coaches(server.Token("x", role, coachId)).ListCoachesAsync(new ListCoachesRequest()));

        Assert.Equal(reason, error.ErrorInfo().Reason);
    }

    [Fact]
    public async Task EveryService_RequiresAToken()
    {
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => new CourseService.CourseServiceClient(server.Channel(null)).ListCoursesAsync(new ListCoursesRequest()));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => new BookingService.BookingServiceClient(server.Channel(null)).ListBookingsAsync(new ListBookingsRequest()));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => new CalendarService.CalendarServiceClient(server.Channel(null)).GetFeedAsync(new GetFeedRequest()));
        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => new AvailabilityService.AvailabilityServiceClient(server.Channel(null))
            .GetWeeklyScheduleAsync(new GetWeeklyScheduleRequest()));
    }
}
