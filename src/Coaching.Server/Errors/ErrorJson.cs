using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;

namespace Coaching.Server.Errors;

/// <summary>google.rpc.Status as JSON, with every error detail the service attaches resolvable by its type URL.</summary>
internal static class ErrorJson
{
    /// <summary>The detail types the service sends.</summary>
    public static TypeRegistry Details { get; } = TypeRegistry.FromMessages(
        ErrorInfo.Descriptor, BadRequest.Descriptor, PreconditionFailure.Descriptor, ResourceInfo.Descriptor, RetryInfo.Descriptor,
        QuotaFailure.Descriptor, Help.Descriptor, LocalizedMessage.Descriptor, DebugInfo.Descriptor, RequestInfo.Descriptor);

    /// <summary>Formats a status (and its details) the way gRPC JSON transcoding answers errors.</summary>
    public static JsonFormatter Formatter { get; } = new(JsonFormatter.Settings.Default.WithTypeRegistry(Details));
}
