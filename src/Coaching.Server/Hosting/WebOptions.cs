namespace Coaching.Server.Hosting;

/// <summary>The <c>Coaching:Web</c> settings: what browsers may do (REST/JSON, gRPC-Web and the booking page share the web port).</summary>
public sealed class WebOptions
{
    /// <summary>
    /// Origins whose pages may call the API from JavaScript (CORS), e.g. <c>https://book.example.org</c>. Empty (the default):
    /// none; the booking page the server itself serves needs none, it is same-origin.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Whether the booking page may mint development tokens (<c>POST /dev/token</c>, client role only, from loopback callers).
    /// Honoured only while the server signs with its local development key; with a configured authority there is no such endpoint.
    /// </summary>
    public bool DevelopmentTokens { get; set; } = true;

    /// <summary>
    /// Addresses of reverse proxies in front of the server (e.g. <c>10.0.0.5</c>); their <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> then name the real client, for per-address limits and the development tokens' loopback check.
    /// Empty (the default): the connection's own address counts, and forwarded headers are ignored.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];
}
