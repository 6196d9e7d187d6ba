using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Coaching.Server.Tests;

/// <summary>Mints tokens with the local signing key a server created in its data directory (as the CLI does).</summary>
public static class DevTokens
{
    public static string Mint(string dataDirectory, string subject, string role, string? coachId = null, byte[]? key = null, DateTime? expires = null)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDirectory, "signing-key.json")));
        var root = json.RootElement;
        var claims = new List<Claim> { new("sub", subject), new("role", role), new("name", $"{subject} name"), new("email", $"{subject}@example.org") };
        if (coachId is not null)
        {
            claims.Add(new Claim("coach_id", coachId));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = root.GetProperty("issuer").GetString(),
            Audience = root.GetProperty("audience").GetString(),
            Subject = new ClaimsIdentity(claims),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            NotBefore = expires?.AddHours(-2),
            IssuedAt = expires?.AddHours(-2),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(key ?? Convert.FromBase64String(root.GetProperty("key").GetString()!)), SecurityAlgorithms.HmacSha256),
        });
    }
}
