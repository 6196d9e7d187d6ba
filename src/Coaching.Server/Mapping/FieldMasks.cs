using Coaching.Domain.Common;
using Google.Protobuf.WellKnownTypes;

namespace Coaching.Server.Mapping;

/// <summary>Validates AIP-134 update masks against the fields a resource lets callers write.</summary>
public static class FieldMasks
{
    /// <summary>Most paths a mask may name; every resource has fewer writable fields.</summary>
    public const int MaxPaths = 64;

    /// <summary>Most unknown paths an error names.</summary>
    private const int MaxEchoedPaths = 5;

    /// <summary>The masked paths; <c>*</c> expands to every writable field.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on update_mask when missing, empty or naming an unknown or read-only field.</exception>
    public static IReadOnlySet<string> Paths(FieldMask? mask, IReadOnlySet<string> writable)
    {
        if (mask is null || mask.Paths.Count == 0)
        {
            return Fail.Invalid<IReadOnlySet<string>>("update_mask", "is required; name the fields to change");
        }

        if (mask.Paths.Count > MaxPaths)
        {
            return Fail.Invalid<IReadOnlySet<string>>("update_mask", $"names {mask.Paths.Count} paths; at most {MaxPaths} are allowed");
        }

        if (mask.Paths.Count == 1 && mask.Paths[0] == "*")
        {
            return writable;
        }

        var unknown = mask.Paths.Where(p => !writable.Contains(p)).ToList();
        if (unknown.Count > 0)
        {
            var named = string.Join(", ", unknown.Take(MaxEchoedPaths).Select(p => Text.Excerpt(p)));
            var more = unknown.Count > MaxEchoedPaths ? $" and {unknown.Count - MaxEchoedPaths} more" : string.Empty;
            Fail.Invalid("update_mask", $"cannot update {named}{more}; writable fields are {string.Join(", ", writable.Order())}");
        }

        return mask.Paths.ToHashSet();
    }
}
