using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Coaching.Server.Tests.Web;

/// <summary>A real server process whose web port (HTTP/1.1 and HTTP/2) browsers and REST clients call, shared by a test class.</summary>
public sealed class WebServer : IAsyncLifetime
{
    /// <summary>The one origin the server lets scripts call from (CORS).</summary>
    public const string AllowedOrigin = "https://app.example.org";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "coaching-web", Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;

    public ServerProcess Process => _server ?? throw new InvalidOperationException("Not started.");

    public HttpClient Http { get; } = new();

    public Uri Web => new(Process.FeedsAddress);

    public async Task InitializeAsync() =>
        _server = await ServerProcess.StartAsync(_data, "Warning", $"Coaching:Web:AllowedOrigins:0={AllowedOrigin}");

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A REST call as <paramref name="token"/> (none when null); answers the status and the body parsed as JSON (null when empty).</summary>
    public async Task<(int Status, JsonElement? Body)> CallAsync(HttpMethod verb, string path, string? token, string? json = null)
    {
        using var request = new HttpRequestMessage(verb, new Uri(Web, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone());
    }
}
