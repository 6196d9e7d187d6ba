using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Coaching.Server.Tests.ExternalCalendars;

/// <summary>
/// A plain HTTP server (Kestrel on 127.0.0.1) serving ICS files with ETags and answering If-None-Match with 304, the way Google,
/// Outlook and Apple publish "secret address" feeds; it can also be made to fail.
/// </summary>
public sealed class IcsServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _files = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private int _notModified;
    private int _requests;

    /// <summary>Requests answered 304.</summary>
    public int NotModified => Volatile.Read(ref _notModified);

    /// <summary>Every request served.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>When set, every request gets 503.</summary>
    public bool Down { get; set; }

    public string BaseAddress { get; private set; } = string.Empty;

    public void Put(string path, string ics) => _files[path] = ics;

    public static async Task<IcsServer> StartAsync()
    {
        var server = new IcsServer();
        // An empty content root: the server's appsettings.json (copied beside the tests) must not give this one its endpoints.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.CreateTempSubdirectory("ics-server").FullName });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async context =>
        {
            Interlocked.Increment(ref server._requests);
            if (server.Down)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            if (!server._files.TryGetValue(context.Request.Path.Value ?? string.Empty, out var ics))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var etag = $"\"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ics)))[..16]}\"";
            if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                Interlocked.Increment(ref server._notModified);
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            context.Response.Headers.ETag = etag;
            context.Response.ContentType = "text/calendar; charset=utf-8";
            await context.Response.WriteAsync(ics);
        });
        await app.StartAsync();
        server._app = app;
        server.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
