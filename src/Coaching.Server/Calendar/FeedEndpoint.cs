using System.Security.Cryptography;
using Coaching.Domain.Feeds;
using Coaching.Server.Hosting;

namespace Coaching.Server.Calendar;

/// <summary>
/// <c>GET /feeds/{token}.ics</c>: the personal subscription feed, anonymous (the token is the credential), served
/// as <c>text/calendar</c> with a strong ETag so calendar apps that poll get 304 when nothing changed. <c>HEAD</c>
/// answers the same status and headers without the body (calendar apps probe with it).
/// </summary>
public static class FeedEndpoint
{
    public const string Route = "/feeds/{token}.ics";

    /// <summary>The public URL of a feed token.</summary>
    public static string Url(CoachingOptions options, string token) => $"{options.Feeds.BaseUrl.TrimEnd('/')}/feeds/{token}.ics";

    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Route, [HttpMethods.Get, HttpMethods.Head], async (string token, HttpContext http, FeedDesk feeds) =>
        {
            var content = await feeds.RenderAsync(token, http.RequestAborted);
            if (content is null)
            {
                return Results.NotFound();
            }

            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\"";
            http.Response.Headers.ETag = etag;
            http.Response.Headers.CacheControl = "private, max-age=300";
            if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && (v == etag || v.Split(',').Any(p => p.Trim() == etag))))
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            if (HttpMethods.IsHead(http.Request.Method))
            {
                http.Response.ContentType = "text/calendar; charset=utf-8";
                http.Response.ContentLength = content.Length;
                return Results.Empty;
            }

            return Results.Bytes(content, "text/calendar; charset=utf-8");
        }).AllowAnonymous();
        return app;
    }
}
