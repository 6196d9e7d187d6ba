using System.Net;
using Coaching.Contracts.V1;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Coaching.Server.Tests.Web;

/// <summary>Per-caller budgets on a server configured with tiny ones: the noisy caller is refused, everyone else is served.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "coaching-limits", Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;

    private ServerProcess Server => _server!;

    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_data, "Warning",
        "Coaching:RateLimits:Writes:PerSecond=1", "Coaching:RateLimits:Writes:Burst=3",
        "Coaching:RateLimits:Anonymous:PerSecond=1", "Coaching:RateLimits:Anonymous:Burst=2");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static Task<Feed> RotateAsync(GrpcChannel channel, string subject, Metadata headers) =>
        new CalendarService.CalendarServiceClient(channel).RotateFeedTokenAsync(new RotateFeedTokenRequest { Name = $"users/{subject}/feed" }, headers).ResponseAsync;

    [Fact]
    public async Task AClientOverItsWriteBudget_IsRefusedWithRetryInfo_WhileAnotherClientIsServed()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address);
        var noisy = ServerProcess.Headers(Server.Token("noisy", "client"));
        var quiet = ServerProcess.Headers(Server.Token("quiet", "client"));

        // Three in a burst, then one a second: within a few quick calls the budget runs out, however slow this machine is.
        var started = DateTime.UtcNow;
        var accepted = 0;
        RpcException? refused = null;
        while (refused is null && accepted < 20)
        {
            try
            {
                await RotateAsync(channel, "noisy", noisy);
                accepted++;
            }
            catch (RpcException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.InRange(accepted, 3, 3 + (int)Math.Ceiling((DateTime.UtcNow - started).TotalSeconds));
        var served = await RotateAsync(channel, "quiet", quiet);
        var reads = await new CalendarService.CalendarServiceClient(channel).GetFeedAsync(new GetFeedRequest { Name = "users/noisy/feed" }, noisy);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        var status = refused.GetRpcStatus()!;
        Assert.Equal(RateLimitsReason, status.GetDetail<ErrorInfo>()!.Reason);
        Assert.InRange(status.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan(), TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
        Assert.NotEmpty(served.Url);
        Assert.NotEmpty(reads.Url); // reads have their own budget

        // A second later the bucket has a token again.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.NotEmpty((await RotateAsync(channel, "noisy", noisy)).Url);
    }

    [Fact]
    public async Task OverRest_ItIs429_WithRetryAfter_AndTheSameReason()
    {
        using var http = new HttpClient();
        var token = Server.Token("rest-noisy", "client");
        HttpResponseMessage? last = null;
        for (var i = 0; i < 20 && last?.StatusCode != HttpStatusCode.TooManyRequests; i++)
        {
            last?.Dispose();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(Server.FeedsAddress), "/v1/users/rest-noisy/feed:rotateToken"))
            {
                Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", token);
            last = await http.SendAsync(request);
        }

        using var refused = last!;
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains(RateLimitsReason, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthChecks_AndAdmins_AreNeverLimited_AnonymousFeedsArePerAddress()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address);
        var health = new Health.HealthClient(channel);
        var admin = ServerProcess.Headers(Server.Token("limit-admin", "admin"));

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        }

        for (var i = 0; i < 10; i++)
        {
            await new CoachService.CoachServiceClient(channel).CreateCoachAsync(new CreateCoachRequest
            {
                Coach = new Coach { DisplayName = $"Admin {i}", Email = $"a{i}@example.org", TimeZone = "UTC" },
            }, admin);
        }

        using var http = new HttpClient();
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 20 && !codes.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            using var response = await http.GetAsync(new Uri(new Uri(Server.FeedsAddress), "/feeds/no-such-token.ics"));
            codes.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound], codes.Take(2));
        Assert.Contains(HttpStatusCode.TooManyRequests, codes.Skip(2));
    }

    [Fact]
    public async Task BehindATrustedProxy_TheForwardedClientCounts_ForLimitsAndForDevelopmentTokens()
    {
        await using var behind = await ServerProcess.StartAsync(Path.Combine(Path.GetTempPath(), "coaching-limits", Guid.NewGuid().ToString("N")), "Warning",
            "Coaching:Web:TrustedProxies:0=127.0.0.1", "Coaching:RateLimits:Anonymous:PerSecond=1", "Coaching:RateLimits:Anonymous:Burst=2");
        using var http = new HttpClient();
        async Task<HttpStatusCode> FeedAsync(string client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(behind.FeedsAddress), "/feeds/no-such-token.ics"));
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 20 && !first.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            first.Add(await FeedAsync("203.0.113.1"));
        }

        var other = await FeedAsync("203.0.113.2");
        using var mint = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(behind.FeedsAddress), "/dev/token"))
        {
            Content = new StringContent("""{"subject":"remote"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        mint.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var minted = await http.SendAsync(mint);

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound], first.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, first[^1]);
        Assert.Equal(HttpStatusCode.NotFound, other); // another client behind the same proxy has its own budget
        Assert.Equal(HttpStatusCode.NotFound, minted.StatusCode); // a remote client gets no development token through the proxy
    }

    private const string RateLimitsReason = "RATE_LIMITED";
}
