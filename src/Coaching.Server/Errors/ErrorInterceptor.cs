using Coaching.Domain.Common;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Status = Google.Rpc.Status;

namespace Coaching.Server.Errors;

/// <summary>
/// The one place domain failures become gRPC statuses (AIP-193): the status code from the failure's kind,
/// a <c>google.rpc.ErrorInfo</c> with domain <c>coaching.v1</c> and the reason, and a <c>BadRequest</c>
/// with field violations for invalid input. Anything unexpected becomes INTERNAL with a generic message
/// and is logged with its exception.
/// </summary>
public sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public const string ErrorDomain = "coaching.v1";

    // The unary path is every booking's: no closure or extra state machine, only the catch that translates.
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Translate(e, context);
        }
    }

    // The one translation of a failure: domain errors to their status, a caller's cancellation to CANCELLED, anything else to
    // a logged INTERNAL with a generic message.
    private RpcException Translate(Exception e, ServerCallContext context)
    {
        switch (e)
        {
            case DomainException domain:
                Telemetry.Refusals.Add(1, new KeyValuePair<string, object?>("rpc", context.Method), new KeyValuePair<string, object?>("reason", domain.Reason));
                return ToRpcException(domain);
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled."));
            default:
                LogUnexpected(logger, e, context.Method);
                return new RpcException(new Grpc.Core.Status(StatusCode.Internal, "An internal error occurred."));
        }
    }

    /// <summary>Longest status message, in characters.</summary>
    public const int MaxMessage = 512;

    /// <summary>Most field violations and metadata entries one error carries.</summary>
    public const int MaxDetails = 10;

    /// <summary>Longest field path, description or metadata value, in characters.</summary>
    public const int MaxDetailText = 200;

    /// <summary>
    /// Translates a domain failure into a rich gRPC error. Whatever the failure holds, the message and every detail
    /// are cut to fixed sizes, so the trailers stay a few KB: oversized trailers make HTTP/2 peers drop the
    /// whole connection, and with it every other call on it.
    /// </summary>
    public static RpcException ToRpcException(DomainException e)
    {
        var info = new ErrorInfo { Reason = e.Reason, Domain = ErrorDomain };
        foreach (var (key, value) in e.Metadata.Take(MaxDetails))
        {
            info.Metadata[Text.Excerpt(key, MaxDetailText)] = Text.Excerpt(value, MaxDetailText);
        }

        var message = e.Violations.Count > MaxDetails
            ? $"{Text.Excerpt(e.Message, MaxMessage - 40)} ({e.Violations.Count - MaxDetails} more not shown)"
            : Text.Excerpt(e.Message, MaxMessage);
        var status = new Status { Code = (int)ToCode(e.Kind), Message = message, Details = { Any.Pack(info) } };
        if (e.Violations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(e.Violations.Take(MaxDetails).Select(v => new BadRequest.Types.FieldViolation
            {
                Field = Text.Excerpt(v.Field, MaxDetailText),
                Description = Text.Excerpt(v.Description, MaxDetailText),
            }));
            status.Details.Add(Any.Pack(badRequest));
        }

        if (e.Kind == ErrorKind.FailedPrecondition)
        {
            var resource = e.Metadata.TryGetValue("resource", out var name) ? name : string.Empty;
            status.Details.Add(Any.Pack(new PreconditionFailure
            {
                Violations =
                {
                    new PreconditionFailure.Types.Violation
                    {
                        Type = e.Reason, Subject = Text.Excerpt(resource, MaxDetailText), Description = Text.Excerpt(e.Message, MaxDetailText),
                    },
                },
            }));
        }

        return status.ToRpcException();
    }

    private static StatusCode ToCode(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.NotFound => StatusCode.NotFound,
        ErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        ErrorKind.Aborted => StatusCode.Aborted,
        ErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        ErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        ErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        ErrorKind.ResourceExhausted => StatusCode.ResourceExhausted,
        ErrorKind.OutOfRange => StatusCode.OutOfRange,
        _ => StatusCode.Internal,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure in {Method}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method);
}
