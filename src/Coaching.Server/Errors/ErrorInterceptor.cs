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

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (DomainException e)
        {
            throw ToRpcException(e);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled."));
        }
#pragma warning disable CA1031 // The last line of defence: every other exception becomes a logged INTERNAL.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogUnexpected(logger, e, context.Method);
            throw new RpcException(new Grpc.Core.Status(StatusCode.Internal, "An internal error occurred."));
        }
    }

    /// <summary>Translates a domain failure into a rich gRPC error.</summary>
    public static RpcException ToRpcException(DomainException e)
    {
        var info = new ErrorInfo { Reason = e.Reason, Domain = ErrorDomain };
        foreach (var (key, value) in e.Metadata)
        {
            info.Metadata[key] = value;
        }

        var status = new Status { Code = (int)ToCode(e.Kind), Message = e.Message, Details = { Any.Pack(info) } };
        if (e.Violations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(e.Violations.Select(v =>
                new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }

        if (e.Kind == ErrorKind.FailedPrecondition)
        {
            var resource = e.Metadata.TryGetValue("resource", out var name) ? name : string.Empty;
            status.Details.Add(Any.Pack(new PreconditionFailure
            {
                Violations = { new PreconditionFailure.Types.Violation { Type = e.Reason, Subject = resource, Description = e.Message } },
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
        _ => StatusCode.Internal,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure in {Method}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method);
}
