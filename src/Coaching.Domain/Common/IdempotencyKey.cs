using System.Security.Cryptography;
using System.Text;

namespace Coaching.Domain.Common;

/// <summary>
/// The idempotency key of a create-style call: the caller's scope, their <c>request_id</c>, and a
/// fingerprint of the request content. Stores keep (scope, request id) unique, so a retry finds the
/// original result; the fingerprint tells a true retry from a reused id.
/// </summary>
public sealed record IdempotencyKey(string Scope, string RequestId, string Fingerprint)
{
    /// <summary>Longest request id accepted.</summary>
    public const int MaxRequestIdLength = 100;

    /// <summary>Builds a key, or null when no request id was sent and one is optional.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on request_id when required and missing, or too long.</exception>
    public static IdempotencyKey? Create(string scope, string? requestId, bool required, params object?[] content)
    {
        if (string.IsNullOrEmpty(requestId))
        {
            if (required)
            {
                Fail.Invalid("request_id", "is required");
            }

            return null;
        }

        if (requestId.Length > MaxRequestIdLength || requestId.Any(char.IsControl))
        {
            Fail.Invalid("request_id", $"must be 1..{MaxRequestIdLength} printable characters");
        }

        return new IdempotencyKey(scope, requestId, ComputeFingerprint(content));
    }

    private static string ComputeFingerprint(object?[] content)
    {
        var builder = new StringBuilder();
        foreach (var part in content)
        {
            var text = part switch
            {
                null => "\u2400",
                IEnumerable<string> list => string.Join('\u241F', list),
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => part.ToString(),
            };
            builder.Append(text).Append('\u241E');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }
}
