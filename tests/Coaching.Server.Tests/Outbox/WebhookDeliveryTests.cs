using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coaching.Contracts.V1;
using Grpc.Core;

namespace Coaching.Server.Tests.Outbox;

/// <summary>Webhooks end to end: a real server process calls a real HTTP receiver, which checks the Standard Webhooks signature itself.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "coaching-webhooks", Guid.NewGuid().ToString("N"));
    private readonly List<IAsyncDisposable> _running = [];
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _running.Add(_receiver);
    }

    public async Task DisposeAsync()
    {
        foreach (var running in Enumerable.Reverse(_running))
        {
            await running.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private async Task<LiveScenario> StartAsync(bool allowPrivate)
    {
        var server = await ServerProcess.StartAsync(Path.Combine(_root, Guid.NewGuid().ToString("N")), "Warning",
            $"Coaching:Webhooks:AllowPrivateNetworks={allowPrivate}", "Coaching:Delivery:RetryBaseSeconds=0.1", "Coaching:Delivery:PollMilliseconds=50",
            "Coaching:Smtp:PickupDirectory=" + Path.Combine(_root, "mail"));
        _running.Add(server);
        return await LiveScenario.CreateAsync(server);
    }

    private static async Task<Webhook> RegisterAsync(LiveScenario scenario, string url, params string[] types) =>
        await scenario.Deliveries.CreateWebhookAsync(new CreateWebhookRequest
        {
            Webhook = new Webhook { Url = url, Active = true, EventTypes = { types } },
            RequestId = Guid.NewGuid().ToString(),
        }, scenario.Admin);

    // The receiver's own check of the Standard Webhooks signature: HMAC-SHA256 over "id.timestamp.body" with the secret's bytes.
    private static bool Verifies(WebhookReceiver.Received call, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key,
            Encoding.UTF8.GetBytes($"{call.Headers["webhook-id"]}.{call.Headers["webhook-timestamp"]}.{call.Body}")));
        return call.Headers["webhook-signature"].Split(' ').Any(s => s == $"v1,{expected}");
    }

    [Fact]
    public async Task BookingEvents_ArePostedSigned_OnlyTheWantedTypes_AndTheSecretIsShownOnce()
    {
        var scenario = await StartAsync(allowPrivate: true);
        var hook = await RegisterAsync(scenario, $"{_receiver.Url}/hooks/a", "booking.created", "booking.cancelled");
        var booking = await scenario.BookAsync("frank", 0);
        await scenario.Bookings.CancelBookingAsync(new CancelBookingRequest { Name = booking.Name }, scenario.Client("frank"));

        var calls = await _receiver.WaitForAsync(c => c.Count >= 2);
        await Task.Delay(500);

        Assert.StartsWith("whsec_", hook.Secret, StringComparison.Ordinal);
        Assert.Equal(string.Empty, (await scenario.Deliveries.ListWebhooksAsync(new ListWebhooksRequest(), scenario.Admin)).Webhooks.Single().Secret);
        Assert.Equal(2, _receiver.Calls.Count);
        var types = new List<string>();
        foreach (var call in calls)
        {
            Assert.True(Verifies(call, hook.Secret), "the signature verifies with the secret");
            Assert.False(Verifies(call, "whsec_" + Convert.ToBase64String(new byte[32])), "and not with another secret");
            Assert.StartsWith("application/json", call.Headers["content-type"], StringComparison.Ordinal);
            using var json = JsonDocument.Parse(call.Body);
            var root = json.RootElement;
            Assert.Equal(call.Headers["webhook-id"], root.GetProperty("id").GetString());
            Assert.Equal(booking.Name, root.GetProperty("resource").GetString());
            Assert.Equal(booking.Name, root.GetProperty("booking").GetProperty("name").GetString());
            Assert.True(long.Parse(root.GetProperty("position").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
            var stamp = DateTimeOffset.FromUnixTimeSeconds(long.Parse(call.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(stamp, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
            types.Add(root.GetProperty("type").GetString()!);
        }

        Assert.Equal(["booking.created", "booking.cancelled"], types);
    }

    [Fact]
    public async Task Receiver5xx_IsRetried_4xxIsDead_WithTheStatusAndAnExcerptOfTheBody()
    {
        var scenario = await StartAsync(allowPrivate: true);
        _receiver.Answer = (path, n) => path == "/flaky" && n <= 2 ? 503 : path == "/gone" ? 410 : 200;
        await RegisterAsync(scenario, $"{_receiver.Url}/flaky", "booking.created");
        await RegisterAsync(scenario, $"{_receiver.Url}/gone", "booking.created");
        await scenario.BookAsync("gina", 0);

        var deliveries = await scenario.WaitForDeliveriesAsync(all =>
            all.Count(d => d.Channel == DeliveryChannel.Webhook && d.State != DeliveryState.Pending) == 2);
        var webhooks = deliveries.Where(d => d.Channel == DeliveryChannel.Webhook).ToList();

        var flaky = Assert.Single(webhooks, d => d.State == DeliveryState.Delivered);
        Assert.Equal(3, flaky.Attempts);
        var gone = Assert.Single(webhooks, d => d.State == DeliveryState.Dead);
        Assert.Equal(1, gone.Attempts);
        Assert.Equal("HTTP 410: receiver says hello line two", gone.LastError);
        Assert.Equal(3, _receiver.Calls.Count(c => c.Path == "/flaky"));
    }

    [Fact]
    public async Task LoopbackEndpoints_AreRefusedAtConnectTime_UnlessAllowed_EvenBehindAName()
    {
        var scenario = await StartAsync(allowPrivate: false);
        var port = new Uri(_receiver.Url).Port;
        await RegisterAsync(scenario, $"http://127.0.0.1:{port}/direct", "booking.created");
        await RegisterAsync(scenario, $"http://localhost:{port}/named", "booking.created");
        await scenario.BookAsync("hank", 0);

        var deliveries = await scenario.WaitForDeliveriesAsync(all => all.Count(d => d.Channel == DeliveryChannel.Webhook && d.State == DeliveryState.Dead) == 2);

        Assert.All(deliveries.Where(d => d.Channel == DeliveryChannel.Webhook),
            d => Assert.Contains("loopback, link-local or private", d.LastError, StringComparison.Ordinal));
        Assert.Empty(_receiver.Calls);
    }

    [Fact]
    public async Task WebhookAdministration_IsForAdmins_AndBadInputIsPrecise()
    {
        var scenario = await StartAsync(allowPrivate: true);
        var client = scenario.Client("ivy");

        var denied = await Assert.ThrowsAsync<RpcException>(async () => await scenario.Deliveries.CreateWebhookAsync(
            new CreateWebhookRequest { Webhook = new Webhook { Url = "https://example.org/h" } }, client));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(async () =>
            await scenario.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest(), client))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(async () =>
            await scenario.Deliveries.RetryDeliveryAsync(new RetryDeliveryRequest { Name = "deliveries/x" }, client))).StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(async () =>
            await scenario.Deliveries.ListWebhooksAsync(new ListWebhooksRequest(), scenario.As("coach-user", "coach", scenario.Coach.Name.Split('/')[1])))).StatusCode);
        foreach (var (url, type) in new[] { ("ftp://example.org/h", "booking.created"), ("https://user:pw@example.org/h", "booking.created"),
            ("not a url", "booking.created"), ("https://example.org/h", "booking.exploded") })
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await scenario.Deliveries.CreateWebhookAsync(new CreateWebhookRequest
            {
                Webhook = new Webhook { Url = url, EventTypes = { type } },
            }, scenario.Admin));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        }

        var created = await RegisterAsync(scenario, "https://example.org/h");
        await scenario.Deliveries.DeleteWebhookAsync(new DeleteWebhookRequest { Name = created.Name }, scenario.Admin);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(async () =>
            await scenario.Deliveries.DeleteWebhookAsync(new DeleteWebhookRequest { Name = created.Name }, scenario.Admin))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(async () =>
            await scenario.Deliveries.DeleteWebhookAsync(new DeleteWebhookRequest { Name = "hooks/x" }, scenario.Admin))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(async () =>
            await scenario.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { PageSize = 201 }, scenario.Admin))).StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, (await Assert.ThrowsAsync<RpcException>(async () =>
            await scenario.Deliveries.ListDeliveriesAsync(new ListDeliveriesRequest { State = (DeliveryState)99 }, scenario.Admin))).StatusCode);
    }
}
