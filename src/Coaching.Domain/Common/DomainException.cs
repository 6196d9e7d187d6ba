
namespace Coaching.Domain.Common;

/// <summary>
/// A failure the caller caused or must handle: it carries a kind (mapped to a status code), an
/// UPPER_SNAKE reason code, a human message, optional field violations and optional metadata.
/// Every rule in the domain reports through this type; anything else escaping is a bug.
/// </summary>
public sealed class DomainException : Exception
{
    /// <summary>A failure of the given kind and reason, with optional field violations and metadata.</summary>
    public DomainException(ErrorKind kind, string reason, string message,
        IReadOnlyList<FieldViolation>? violations = null,
        IReadOnlyDictionary<string, string>? metadata = null)
        : base(message)
    {
        Kind = kind;
        Reason = reason;
        Violations = violations ?? [];
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>A generic failed precondition (for serializers and tests).</summary>
    public DomainException()
        : this(ErrorKind.FailedPrecondition, "UNKNOWN", "Domain failure.")
    {
    }

    /// <summary>A generic failed precondition with a message.</summary>
    public DomainException(string message)
        : this(ErrorKind.FailedPrecondition, "UNKNOWN", message)
    {
    }

    /// <summary>A generic failed precondition caused by another exception.</summary>
    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = ErrorKind.FailedPrecondition;
        Reason = "UNKNOWN";
        Violations = [];
        Metadata = new Dictionary<string, string>();
    }

    /// <summary>The class of failure.</summary>
    public ErrorKind Kind { get; }

    /// <summary>Machine-readable UPPER_SNAKE reason, e.g. <c>SLOT_UNAVAILABLE</c>.</summary>
    public string Reason { get; }

    /// <summary>Invalid fields, for <see cref="ErrorKind.InvalidArgument"/>.</summary>
    public IReadOnlyList<FieldViolation> Violations { get; }

    /// <summary>Extra key/value details (resource names, limits) for the caller.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
