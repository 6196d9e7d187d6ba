using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;

namespace Coaching.Server.Tests;

/// <summary>One real server process on a fresh data directory, shared by a test class.</summary>
public sealed class RealServerFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "coaching-real-server", Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_dataDirectory, logLevel: "Information");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>
    /// Sends one gRPC frame holding <paramref name="payload"/> as the whole request body over a real HTTP/2 connection
    /// and returns the status, message and decoded <c>google.rpc.Status</c> details (from trailers or a trailers-only response).
    /// </summary>
    public async Task<(int Status, string Message, Google.Rpc.Status? Details)> SendRawAsync(string path, byte[] payload, string token)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Server.Address + path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        string? Header(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var t) ? t.First()
            : response.Headers.TryGetValues(name, out var h) ? h.First() : null;

        var status = int.Parse(Header("grpc-status") ?? "-1", System.Globalization.CultureInfo.InvariantCulture);
        var message = Uri.UnescapeDataString(Header("grpc-message") ?? string.Empty);
        Google.Rpc.Status? details = null;
        if (Header("grpc-status-details-bin") is { } encoded)
        {
            var padded = encoded.PadRight(encoded.Length + ((4 - (encoded.Length % 4)) % 4), '=');
            details = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(padded));
        }

        return (status, message, details);
    }
}
