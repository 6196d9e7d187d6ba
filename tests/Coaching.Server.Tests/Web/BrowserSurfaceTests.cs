using System.Diagnostics;
using Coaching.Contracts.V1;
using Coaching.Server.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;

namespace Coaching.Server.Tests.Web;

/// <summary>What a browser app uses besides REST: gRPC-Web over HTTP/1.1, CORS for configured origins only, the OpenAPI document.</summary>
public sealed class BrowserSurfaceTests(WebServer web) : IClassFixture<WebServer>
{
    private static string Repo => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task GrpcWeb_OverHttp11_CallsTheSameServices_WithTheSameErrors(GrpcWebMode mode)
    {
        using var channel = GrpcChannel.ForAddress(web.Web, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = new Version(1, 1),
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        });
        var admin = ServerProcess.Headers(web.Process.Token("web-admin", "admin"));
        var coaches = new CoachService.CoachServiceClient(channel);

        var coach = await coaches.CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = $"Web {mode}", Email = "web@example.org", TimeZone = "Asia/Tokyo" },
        }, admin);
        var read = await coaches.GetCoachAsync(new GetCoachRequest { Name = coach.Name }, admin);
        var missing = await Assert.ThrowsAsync<RpcException>(() => coaches.GetCoachAsync(new GetCoachRequest { Name = "coaches/none" }, admin).ResponseAsync);
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => coaches.ListCoachesAsync(new ListCoachesRequest()).ResponseAsync);
        var huge = await Assert.ThrowsAsync<RpcException>(() => coaches.CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Big", Bio = new string('b', 1_100_000), Email = "big@example.org", TimeZone = "UTC" },
        }, admin).ResponseAsync);

        Assert.Equal("Asia/Tokyo", read.TimeZone);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains(missing.Trailers, t => t.Key == "grpc-status-details-bin");
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, huge.StatusCode);
        Assert.Empty(web.Process.ErrorLines());
    }

    [Fact]
    public async Task Cors_AnswersPreflights_ForTheConfiguredOriginOnly()
    {
        async Task<HttpResponseMessage> PreflightAsync(string origin, string path, string headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(web.Web, path));
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", headers);
            return await web.Http.SendAsync(request);
        }

        using var allowedRest = await PreflightAsync(WebServer.AllowedOrigin, "/v1/bookings", "authorization,content-type");
        using var allowedGrpcWeb = await PreflightAsync(WebServer.AllowedOrigin, "/coaching.v1.CoachService/ListCoaches", "authorization,content-type,x-grpc-web,x-user-agent");
        using var other = await PreflightAsync("https://evil.example", "/v1/bookings", "authorization,content-type");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(web.Web, "/v1/coaches"));
        request.Headers.Add("Origin", WebServer.AllowedOrigin);
        request.Headers.Authorization = new("Bearer", web.Process.Token("web-client", "client"));
        using var actual = await web.Http.SendAsync(request);

        Assert.Equal([WebServer.AllowedOrigin], allowedRest.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("authorization", allowedRest.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("x-grpc-web", allowedGrpcWeb.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal([WebServer.AllowedOrigin], actual.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("grpc-status", actual.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [SkippableFact]
    public async Task OpenApiDocument_IsValidOpenApi3_ByAnIndependentValidator_WithTheProtoCommentsAsDescriptions()
    {
        var node = File.Exists("/usr/bin/node") ? "/usr/bin/node" : "node";
        var validator = Path.Combine(Repo, "tools", "node_modules", "@apidevtools", "swagger-parser");
        Skip.If(!Directory.Exists(validator), "swagger-parser is not installed (npm ci --prefix tools; tools/test.sh does it).");
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        var text = await web.Http.GetStringAsync(new Uri(web.Web, WebSurface.OpenApiPath));
        await File.WriteAllTextAsync(file, text);

        using var check = Process.Start(new ProcessStartInfo(node, [Path.Combine(Repo, "tools", "web", "check-openapi.mjs"), file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.Combine(Repo, "tools"),
        })!;
        var output = await check.StandardOutput.ReadToEndAsync();
        var errors = await check.StandardError.ReadToEndAsync();
        await check.WaitForExitAsync();
        File.Delete(file);

        Assert.True(check.ExitCode == 0, errors);
        Assert.StartsWith("valid 3.0.3", output, StringComparison.Ordinal);
        using var document = System.Text.Json.JsonDocument.Parse(text);
        var getCoach = document.RootElement.GetProperty("paths").GetProperty("/v1/coaches/{coach}").GetProperty("get");
        Assert.Contains("Gets a coach", getCoach.GetProperty("description").GetString(), StringComparison.Ordinal);
        var displayName = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("coaching.v1.Coach")
            .GetProperty("properties").GetProperty("displayName");
        Assert.Contains("1..200 characters", displayName.GetProperty("description").GetString(), StringComparison.Ordinal);
        using var page = await web.Http.GetAsync(new Uri(web.Web, "/api/index.html"));
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task DevelopmentTokens_AreClientTokens_ForWellFormedSubjects_Only()
    {
        using var minted = await web.Http.PostAsync(new Uri(web.Web, "/dev/token"),
            JsonContent("""{"subject":"page-user","name":"Page User","email":"page.user@example.org"}"""));
        using var bad = await web.Http.PostAsync(new Uri(web.Web, "/dev/token"), JsonContent("""{"subject":"not a subject!"}"""));
        using var config = await web.Http.GetAsync(new Uri(web.Web, "/web/config"));
        var token = System.Text.Json.JsonDocument.Parse(await minted.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        var (status, _) = await web.CallAsync(HttpMethod.Post, "/v1/coaches", token, """{"displayName":"X","email":"x@example.org","timeZone":"UTC"}""");
        var (listed, _) = await web.CallAsync(HttpMethod.Get, "/v1/users/page-user/feed", token);

        Assert.Equal(System.Net.HttpStatusCode.OK, minted.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"developmentTokens\":true", await config.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(403, status); // a client, whatever the page asked for
        Assert.Equal(200, listed);
    }

    [Fact]
    public async Task WithAConfiguredAuthority_ThereAreNoDevelopmentTokens()
    {
        await using var server = await ServerProcess.StartAsync(Path.Combine(Path.GetTempPath(), "coaching-web", Guid.NewGuid().ToString("N")), "Warning",
            "Coaching:Auth:Authority=https://login.example.invalid/");
        using var http = new HttpClient();

        using var minted = await http.PostAsync(new Uri(new Uri(server.FeedsAddress), "/dev/token"), JsonContent("""{"subject":"page-user"}"""));
        var config = await http.GetStringAsync(new Uri(new Uri(server.FeedsAddress), "/web/config"));

        Assert.Contains("\"developmentTokens\":false", config, StringComparison.Ordinal);
        Assert.True(minted.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.MethodNotAllowed, $"{minted.StatusCode}");
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
