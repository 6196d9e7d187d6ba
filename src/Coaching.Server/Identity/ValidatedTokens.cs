using System.Collections.Concurrent;
using System.Security.Claims;

namespace Coaching.Server.Identity;

/// <summary>
/// Bearer tokens this process has validated, with the principal validation made of them, so a caller's next calls skip the
/// signature check and the claim parsing (they were a fifth of a <c>GetCoach</c>'s CPU). The key is the whole token text, so
/// only the very same token is recognised; an entry lasts until the token expires or <see cref="MaxAge"/> passes, whichever
/// comes first, so a signing key withdrawn by the identity provider stops being honoured within that time.
/// </summary>
public sealed class ValidatedTokens
{
    /// <summary>Most tokens kept; when full, the table is emptied and fills again from the next validations.</summary>
    public const int Capacity = 10_000;

    /// <summary>Longest a validated token is trusted without validating it again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, (ClaimsPrincipal Principal, DateTimeOffset Until)> _tokens = new(StringComparer.Ordinal);

    /// <summary>Tokens kept now (for tests).</summary>
    public int Count => _tokens.Count;

    /// <summary>The principal of <paramref name="token"/> when it was validated and is still within its time.</summary>
    public bool TryGet(string token, DateTimeOffset now, out ClaimsPrincipal principal)
    {
        if (_tokens.TryGetValue(token, out var entry) && now < entry.Until)
        {
            principal = entry.Principal;
            return true;
        }

        principal = null!;
        return false;
    }

    /// <summary>Keeps <paramref name="token"/>, just validated at <paramref name="now"/>, until it expires (or <see cref="MaxAge"/>).</summary>
    public void Add(string token, ClaimsPrincipal principal, DateTimeOffset expires, DateTimeOffset now)
    {
        var until = expires < now + MaxAge ? expires : now + MaxAge;
        if (until <= now)
        {
            return;
        }

        if (_tokens.Count >= Capacity)
        {
            _tokens.Clear();
        }

        _tokens[token] = (principal, until);
    }
}
