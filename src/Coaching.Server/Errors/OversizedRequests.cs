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

    /// <summary>The <see cref="HttpContext.Items"/> key that marks a gRPC-Web text call (its body is base64 behind the gRPC-Web reader).</summary>
    public const string GrpcWebTextItem = "coaching.grpc-web-text";

    private const int FrameHeaderBytes = 5;

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        if (method is not null && !IsGrpc(context.Request.ContentType))
        {
            // REST/JSON through transcoding: the same limit on the body, answered as HTTP 413 with the same reason.
            var declared = context.Request.ContentLength;
            if (declared > MaxMessageBytes)
            {
                LogRefusedBody(logger, declared.Value, method.FullName);
                await RefuseJsonAsync(context, declared.Value);
                return;
            }

            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxMessageBytes; // a body without a declared length stops here
            }

            await next(context);
            return;
        }

        // gRPC-Web text arrives base64-encoded through a reader that cannot be peeked at; gRPC's own limit (the same size) refuses
        // an oversized message there, as for streams.
        if (method?.Type != MethodType.Unary || context.Items.ContainsKey(GrpcWebTextItem))
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
        var status = TooLarge(length);

        // Trailers-only: the status travels in the one HEADERS frame that ends the stream.
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc"; // the gRPC-Web middleware answers gRPC-Web callers in their own framing
        response.Headers["grpc-status"] = ((int)StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
        response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
    }

    private static bool IsGrpc(string? contentType) => contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>HTTP 413 with the google.rpc.Status of a body over the limit (<paramref name="length"/> when declared).</summary>
    public static async Task RefuseJsonAsync(HttpContext context, long? length)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        response.ContentType = "application/json";
        await response.WriteAsync(ErrorJson.Formatter.Format(TooLarge(length)), context.RequestAborted);
    }

    private static Status TooLarge(long? length)
    {
        var message = length is null
            ? $"The request body is larger than the largest accepted, {MaxMessageBytes} bytes (1 MiB)."
            : $"The request message is {length} bytes; the largest accepted is {MaxMessageBytes} bytes (1 MiB).";
        return new Status
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
                        ["message_bytes"] = length?.ToString(CultureInfo.InvariantCulture) ?? "unknown",
                    },
                }),
            },
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a {Length}-byte JSON request body to {Method}")]
    private static partial void LogRefusedBody(ILogger logger, long length, string method);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a {Length}-byte request message to {Method}")]
    private static partial void LogRefused(ILogger logger, uint length, string method);
}
