using Coaching.Contracts.V1;
using Grpc.Core;

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
