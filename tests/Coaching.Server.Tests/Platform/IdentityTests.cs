using Coaching.Contracts.V1;
using Grpc.Core;

namespace Coaching.Server.Tests.Platform;

[Collection(UsesServer.Name)]
public class IdentityTests(ServerFixture server)
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
    public async Task PendingServices_Unimplemented_ButStillAuthenticated()
    {
        var token = server.Token("client-1", "client");

        var anonymous = new CourseService.CourseServiceClient(server.Channel(null));

        await RpcAssert.FailsAsync(StatusCode.Unauthenticated, () => anonymous.GetCourseAsync(new GetCourseRequest { Name = "courses/x" }));
        await RpcAssert.FailsAsync(StatusCode.Unimplemented, () => new CourseService.CourseServiceClient(server.Channel(token))
            .ListCoursesAsync(new ListCoursesRequest()));
    }
}
