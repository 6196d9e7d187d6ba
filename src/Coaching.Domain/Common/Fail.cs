using System.Diagnostics.CodeAnalysis;

namespace Coaching.Domain.Common;

/// <summary>Throw helpers for the common failures, so call sites stay one line.</summary>
public static class Fail
{
    /// <summary>Throws INVALID_ARGUMENT naming <paramref name="field"/>.</summary>
    [DoesNotReturn]
    public static void Invalid(string field, string description) =>
        throw new DomainException(ErrorKind.InvalidArgument, "INVALID_ARGUMENT",
            $"Invalid {field}: {description}", [new FieldViolation(field, description)]);

    /// <summary>Throws INVALID_ARGUMENT naming <paramref name="field"/>; typed for expressions.</summary>
    [DoesNotReturn]
    public static T Invalid<T>(string field, string description)
    {
        Invalid(field, description);
        return default;
    }

    /// <summary>Throws NOT_FOUND for <paramref name="resourceName"/>.</summary>
    [DoesNotReturn]
    public static void NotFound(string resourceName) => throw NotFoundError(resourceName);

    /// <summary>The NOT_FOUND failure for <paramref name="resourceName"/>, to throw later.</summary>
    public static DomainException NotFoundError(string resourceName) =>
        new(ErrorKind.NotFound, "RESOURCE_NOT_FOUND", $"{resourceName} does not exist.",
            metadata: new Dictionary<string, string> { ["resource"] = resourceName });

    /// <summary>The ABORTED failure for a stale version of <paramref name="resourceName"/>, to throw later.</summary>
    public static DomainException StaleEtagError(string resourceName) =>
        new(ErrorKind.Aborted, "ETAG_MISMATCH",
            $"{resourceName} was changed by someone else; read it again and retry with the new etag.",
            metadata: new Dictionary<string, string> { ["resource"] = resourceName });

    /// <summary>Throws NOT_FOUND for <paramref name="resourceName"/>; typed for expressions.</summary>
    [DoesNotReturn]
    public static T NotFound<T>(string resourceName)
    {
        NotFound(resourceName);
        return default;
    }

    /// <summary>Throws ABORTED: <paramref name="resourceName"/> changed since it was read.</summary>
    [DoesNotReturn]
    public static void StaleEtag(string resourceName) => throw StaleEtagError(resourceName);

    /// <summary>Throws PERMISSION_DENIED with a reason code.</summary>
    [DoesNotReturn]
    public static void PermissionDenied(string reason, string message) =>
        throw new DomainException(ErrorKind.PermissionDenied, reason, message);

    /// <summary>
    /// A FAILED_PRECONDITION failure about <paramref name="resource"/>: every one names the resource it is about in
    /// its ErrorInfo metadata, so this is the only way to build one.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="resource"/> is empty (a bug at the call site).</exception>
    public static DomainException Precondition(string reason, string message, string resource)
    {
        ArgumentException.ThrowIfNullOrEmpty(resource);
        return new DomainException(ErrorKind.FailedPrecondition, reason, message, metadata: new Dictionary<string, string> { ["resource"] = resource });
    }

    /// <summary>Throws ALREADY_EXISTS: the request id was used for other content.</summary>
    [DoesNotReturn]
    public static void RequestIdReused(string requestId) =>
        throw new DomainException(ErrorKind.AlreadyExists, "REQUEST_ID_REUSED",
            $"request_id '{Text.Excerpt(requestId)}' was already used for a different request.",
            [new FieldViolation("request_id", "already used for a different request")]);
}
