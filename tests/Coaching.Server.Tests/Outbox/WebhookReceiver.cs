using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coaching.Server.Tests.Outbox;

/// <summary>A real HTTP receiver (Kestrel on loopback) that keeps every call and answers with the status the test chooses.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>One received call.</summary>
    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body);

    public string Url { get; }

    public ConcurrentQueue<Received> Calls { get; } = new();

    /// <summary>The status of the call with this 1-based number on this path (default 204).</summary>
    public Func<string, int, int> Answer { get; set; } = (_, _) => 204;

    public static async Task<WebhookReceiver> StartAsync()
    {
        // An empty content root: the test directory holds the server's appsettings.json, whose Kestrel endpoints (ports 5000
        // and 5001) would otherwise be bound by the receiver too, and fail when a server runs on this machine.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.CreateTempSubdirectory("webhook-receiver").FullName });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        var counts = new ConcurrentDictionary<string, int>();
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value ?? "/";
            receiver!.Calls.Enqueue(new Received(path, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));
            context.Response.StatusCode = receiver.Answer(path, counts.AddOrUpdate(path, 1, (_, n) => n + 1));
            await context.Response.WriteAsync("receiver says hello\r\nline two");
        });
        await app.StartAsync();
        receiver = new WebhookReceiver(app, app.Urls.First());
        return receiver;
    }

    public async Task<IReadOnlyList<Received>> WaitForAsync(Func<IReadOnlyList<Received>, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done([.. Calls]))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the receiver has {Calls.Count} calls after {seconds} s");
            await Task.Delay(50);
        }

        return [.. Calls];
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
