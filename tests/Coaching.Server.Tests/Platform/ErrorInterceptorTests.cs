using Coaching.Domain.Common;
using Coaching.Server.Errors;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coaching.Server.Tests.Platform;

/// <summary>Direct calls: the interceptor's translation, without a server.</summary>
public class ErrorInterceptorTests
{
    private static Task<string> Run(Func<Task<string>> handler, ILogger<ErrorInterceptor>? logger = null) =>
        new ErrorInterceptor(logger ?? NullLogger<ErrorInterceptor>.Instance)
            .UnaryServerHandler<string, string>("req", new TestCallContext(), (_, _) => handler());

    [Fact]
    public async Task UnexpectedException_InternalWithGenericMessage_AndLogged()
    {
        var logger = new RecordingLogger();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Run(() => throw new InvalidOperationException("secret connection string"), logger));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Exception is InvalidOperationException);
    }

    [Theory]
    [InlineData(ErrorKind.InvalidArgument, StatusCode.InvalidArgument)]
    [InlineData(ErrorKind.NotFound, StatusCode.NotFound)]
    [InlineData(ErrorKind.AlreadyExists, StatusCode.AlreadyExists)]
    [InlineData(ErrorKind.Aborted, StatusCode.Aborted)]
    [InlineData(ErrorKind.FailedPrecondition, StatusCode.FailedPrecondition)]
    [InlineData(ErrorKind.PermissionDenied, StatusCode.PermissionDenied)]
    [InlineData(ErrorKind.Unauthenticated, StatusCode.Unauthenticated)]
    [InlineData(ErrorKind.ResourceExhausted, StatusCode.ResourceExhausted)]
    public async Task DomainException_MapsKindToStatusWithErrorInfo(ErrorKind kind, StatusCode code)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Run(() => throw new DomainException(kind, "SLOT_UNAVAILABLE", "Taken.",
                [new FieldViolation("booking.start_time", "taken")], new Dictionary<string, string> { ["resource"] = "coaches/c1" })));

        Assert.Equal(code, error.StatusCode);
        var status = error.GetRpcStatus()!;
        var info = status.GetDetail<ErrorInfo>()!;
        Assert.Equal("SLOT_UNAVAILABLE", info.Reason);
        Assert.Equal("coaching.v1", info.Domain);
        Assert.Equal("coaches/c1", info.Metadata["resource"]);
        Assert.Equal("booking.start_time", status.GetDetail<BadRequest>()!.FieldViolations.Single().Field);
        Assert.Equal(kind == ErrorKind.FailedPrecondition, status.GetDetail<PreconditionFailure>() is not null);
    }

    [Fact]
    public async Task RpcException_PassesThrough()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Run(() => throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "later"))));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    private sealed class RecordingLogger : ILogger<ErrorInterceptor>
    {
        public List<(LogLevel Level, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, exception));
    }
}
