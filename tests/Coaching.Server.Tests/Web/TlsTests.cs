using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Coaching.Contracts.V1;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;

namespace Coaching.Server.Tests.Web;

/// <summary>Every transport over TLS with a certificate from configuration: gRPC (h2), REST over HTTP/1.1 and HTTP/2, gRPC-Web, feeds.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "coaching-tls", Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;

    private ServerProcess Server => _server!;

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, made here (no openssl needed).</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public async Task InitializeAsync() => _server = await ServerProcess.StartTlsAsync(_data, SelfSigned());

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Grpc_OverTls_IsHttp2_AndTheCertificateIsTheConfiguredOne()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address, new GrpcChannelOptions { HttpHandler = Server.Handler() });
        var coaches = new CoachService.CoachServiceClient(channel);
        var admin = ServerProcess.Headers(Server.Token("tls-admin", "admin"));

        var coach = await coaches.CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Tls", Email = "tls@example.org", TimeZone = "Europe/Dublin" },
        }, admin);
        using var untrusting = GrpcChannel.ForAddress(Server.Address);
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() =>
            new CoachService.CoachServiceClient(untrusting).GetCoachAsync(new GetCoachRequest { Name = coach.Name }, admin).ResponseAsync);

        Assert.StartsWith("https://", Server.Address, StringComparison.Ordinal);
        Assert.Equal("Europe/Dublin", (await coaches.GetCoachAsync(new GetCoachRequest { Name = coach.Name }, admin)).TimeZone);
        // A client that does not trust the certificate gets nowhere: its TLS handshake fails before any call is made.
        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.Status.DebugException?.InnerException);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Rest_OverTls_SpeaksHttp11AndHttp2(int major)
    {
        using var http = new HttpClient(Server.Handler());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(Server.FeedsAddress), "/v1/coaches"))
        {
            Version = new Version(major, major == 1 ? 1 : 0),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Authorization = new("Bearer", Server.Token("tls-client", "client"));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(major, response.Version.Major);
        Assert.Contains("\"coaches\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcWeb_AndFeeds_OverTls()
    {
        using var channel = GrpcChannel.ForAddress(Server.FeedsAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWebText, Server.Handler()),
            HttpVersion = new Version(1, 1),
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        var client = ServerProcess.Headers(Server.Token("tls-feed", "client"));

        var feed = await new CalendarService.CalendarServiceClient(channel).GetFeedAsync(new GetFeedRequest { Name = "users/tls-feed/feed" }, client);
        using var http = new HttpClient(Server.Handler());
        using var calendar = await http.GetAsync(new Uri(new Uri(Server.FeedsAddress), new Uri(feed.Url).PathAndQuery));

        Assert.Equal(HttpStatusCode.OK, calendar.StatusCode);
        Assert.Equal("text/calendar", calendar.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("BEGIN:VCALENDAR", await calendar.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
