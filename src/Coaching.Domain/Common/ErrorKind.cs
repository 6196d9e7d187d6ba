namespace Coaching.Domain.Common;

/// <summary>The class of a domain failure; the server maps each to one gRPC status code.</summary>
public enum ErrorKind
{
    /// <summary>The request is malformed or a field is out of range.</summary>
    InvalidArgument,

    /// <summary>The named resource does not exist (or is not visible to the caller).</summary>
    NotFound,

    /// <summary>The resource (or idempotency key) already exists with other content.</summary>
    AlreadyExists,

    /// <summary>A concurrent change won; the caller should re-read and retry (stale etag).</summary>
    Aborted,

    /// <summary>The resource is not in a state that allows the operation.</summary>
    FailedPrecondition,

    /// <summary>The caller's role or identity does not allow the operation.</summary>
    PermissionDenied,

    /// <summary>The caller carries no usable identity.</summary>
    Unauthenticated,

    /// <summary>A quota or cap is exhausted.</summary>
    ResourceExhausted,

    /// <summary>A position or range the service no longer (or not yet) holds.</summary>
    OutOfRange,
}
