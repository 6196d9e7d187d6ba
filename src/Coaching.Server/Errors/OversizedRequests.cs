using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Any = Google.Protobuf.WellKnownTypes.Any;
using Status = Google.Rpc.Status;

namespace Coaching.Server.Errors;

/// <summary>
/// Refuses a unary gRPC request whose message is larger than <see cref="MaxMessageBytes"/> by reading only the
/// 5-byte frame header, before anything is buffered: RESOURCE_EXHAUSTED with ErrorInfo <c>REQUEST_TOO_LARGE</c>
/// as a trailers-only response. gRPC's own limit (the same size, kept as the backstop for streams) answers the
/// same status without details, because it runs where no handler can attach any.
/// </summary>
internal sealed partial class OversizedRequests(RequestDelegate next, ILogger<OversizedRequests> logger)
{
    /// <summary>The largest request message accepted, in bytes (1 MiB).</summary>
    public const int MaxMessageBytes = 1024 * 1024;

    public const string Reason = "REQUEST_TOO_LARGE";

    private const int FrameHeaderBytes = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        if (method?.Type != MethodType.Unary)
        {
            await next(context);
            return;
        }

        var reader = context.Request.BodyReader;
        var read = await reader.ReadAtLeastAsync(FrameHeaderBytes, context.RequestAborted);
        var buffer = read.Buffer;
        uint length = 0;
        if (buffer.Length >= FrameHeaderBytes)
        {
            Span<byte> header = stackalloc byte[FrameHeaderBytes];
            buffer.Slice(0, FrameHeaderBytes).CopyTo(header);
            length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        }

        // Nothing consumed or examined: the gRPC handler reads the same bytes again.
        reader.AdvanceTo(buffer.Start);
        if (length <= MaxMessageBytes)
        {
            await next(context);
            return;
        }

        LogRefused(logger, length, method.FullName);
        var message = $"The request message is {length} bytes; the largest accepted is {MaxMessageBytes} bytes (1 MiB).";
        var status = new Status
        {
            Code = (int)StatusCode.ResourceExhausted,
            Message = message,
            Details =
            {
                Any.Pack(new ErrorInfo
                {
                    Reason = Reason,
                    Domain = ErrorInterceptor.ErrorDomain,
                    Metadata =
                    {
                        ["limit_bytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
                        ["message_bytes"] = length.ToString(CultureInfo.InvariantCulture),
                    },
                }),
            },
        };

        // Trailers-only: the status travels in the one HEADERS frame that ends the stream.
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a {Length}-byte request message to {Method}")]
    private static partial void LogRefused(ILogger logger, uint length, string method);
}
