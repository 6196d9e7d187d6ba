namespace Coaching.Domain.Common;

/// <summary>
/// Collects every invalid field of a request before failing, so the caller learns all of them at once.
/// </summary>
public sealed class Violations
{
    private readonly List<FieldViolation> _items = [];

    /// <summary>True when nothing has been reported.</summary>
    public bool IsEmpty => _items.Count == 0;

    /// <summary>Records a violation of <paramref name="field"/>.</summary>
    public void Add(string field, string description) => _items.Add(new FieldViolation(field, description));

    /// <summary>Records a violation when <paramref name="condition"/> is false.</summary>
    public void Require(bool condition, string field, string description)
    {
        if (!condition)
        {
            Add(field, description);
        }
    }

    /// <summary>Checks a text field's length (in UTF-16 code units after trimming).</summary>
    public void Text(string? value, string field, int min, int max)
    {
        var length = (value ?? string.Empty).Length;
        if (length < min)
        {
            Add(field, min == 1 ? "is required" : $"must be at least {min} characters");
        }
        else if (length > max)
        {
            Add(field, $"must be at most {max} characters");
        }
    }

    /// <summary>Throws an <see cref="ErrorKind.InvalidArgument"/> failure listing every violation, if any.</summary>
    /// <exception cref="DomainException">When at least one violation was recorded.</exception>
    public void ThrowIfAny()
    {
        if (IsEmpty)
        {
            return;
        }

        var summary = string.Join("; ", _items.Select(v => $"{v.Field}: {v.Description}"));
        throw new DomainException(ErrorKind.InvalidArgument, "INVALID_ARGUMENT", $"Invalid request: {summary}", [.. _items]);
    }
}
