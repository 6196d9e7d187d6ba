using Google.Rpc;
using Grpc.Core;

namespace Coaching.Server.Tests;

/// <summary>Assertions on rich gRPC errors (status code, ErrorInfo reason, BadRequest fields).</summary>
public static class RpcAssert
{
    public static async Task<RpcException> FailsAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        return error;
    }

    public static Task<RpcException> FailsAsync<T>(StatusCode code, Func<AsyncUnaryCall<T>> call) =>
        FailsAsync(code, async () => await call());

    public static ErrorInfo ErrorInfo(this RpcException error)
    {
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        var info = status.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal("coaching.v1", info.Domain);
        return info;
    }

    public static IReadOnlyList<string> ViolatedFields(this RpcException error)
    {
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        return badRequest.FieldViolations.Select(v => v.Field).ToList();
    }
}
