using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coaching.Server.Identity;

/// <summary>What the booking page asks for: a client token for a subject, with a display name and e-mail for invites.</summary>
/// <param name="Subject">The user id (letters, digits, '-', '_', '.', 1–64).</param>
/// <param name="Name">The display name (optional, at most 200 characters).</param>
/// <param name="Email">The e-mail address invites go to (optional, at most 254 characters).</param>
public sealed record DevTokenRequest(string? Subject, string? Name, string? Email);

/// <summary>
/// Development tokens for the booking page, signed with the local development key: always the client role (a page on the
/// loopback interface must not hand out coach or admin rights), valid for eight hours. Never offered with a configured authority.
/// </summary>
public static class DevTokens
{
    /// <summary>The rules a request must meet, as the answer to one that does not.</summary>
    public const string Rules = "subject: 1-64 of letters, digits, '-', '_', '.'; name: at most 200 characters; email: at most 254 characters with an '@'.";

    /// <summary>A token for <paramref name="request"/>, or null when it breaks <see cref="Rules"/>.</summary>
    public static string? Mint(LocalSigningKey key, DevTokenRequest request, NodaTime.Instant now)
    {
        var subject = request.Subject ?? string.Empty;
        if (subject.Length is < 1 or > 64 || !subject.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            || request.Name is { Length: > 200 } || request.Email is { } e && (e.Length > 254 || !e.Contains('@', StringComparison.Ordinal)))
        {
            return null;
        }

        var claims = new List<Claim> { new("sub", subject), new(CallerContext.RoleClaim, "client") };
        if (!string.IsNullOrWhiteSpace(request.Name))
        {
            claims.Add(new Claim("name", request.Name));
        }

        if (!string.IsNullOrWhiteSpace(request.Email))
        {
            claims.Add(new Claim("email", request.Email));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = key.Issuer,
            Audience = key.Audience,
            Subject = new ClaimsIdentity(claims),
            Expires = now.ToDateTimeUtc().AddHours(8),
            SigningCredentials = new SigningCredentials(key.SecurityKey, SecurityAlgorithms.HmacSha256),
        });
    }
}
