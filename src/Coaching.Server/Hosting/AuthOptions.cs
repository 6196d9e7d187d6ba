namespace Coaching.Server.Hosting;

/// <summary>
/// Token validation. With an <see cref="Authority"/>, tokens are validated against that issuer's published
/// keys (OpenID Connect discovery). Without one, the server uses a local HMAC key in the data directory,
/// generated on first start, and the <c>coaching token</c> CLI mints development tokens with it.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>OpenID Connect authority (issuer URL) for production.</summary>
    public string Authority { get; set; } = string.Empty;

    /// <summary>Expected issuer; defaults to the authority, or <c>coaching-local</c> with the local key.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Expected audience; defaults to <c>coaching</c>.</summary>
    public string Audience { get; set; } = string.Empty;
}
