using Coaching.Domain.Common;
using Grpc.Health.V1;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Coaching.Server.Tests.Platform;

/// <summary>Health answers from the background run of the checks, and each dependency's readiness follows it down and up.</summary>
public sealed class HealthCacheTests(HealthCacheTests.SwitchableStoreServer server) : IClassFixture<HealthCacheTests.SwitchableStoreServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    /// <summary>A store ping that counts its calls and fails on demand.</summary>
    public sealed class SwitchableHealth : IStoreHealth
    {
        private int _pings;
        private volatile bool _down;

        public bool Down
        {
            get => _down;
            set => _down = value;
        }

        public int Pings => Volatile.Read(ref _pings);

        public Task PingAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _pings);
            return Down ? Task.FromException(new IOException("the store is unplugged")) : Task.CompletedTask;
        }
    }

    /// <summary>The in-memory server with that ping and checks every second.</summary>
    public sealed class SwitchableStoreServer : ServerFixture
    {
        public SwitchableHealth Store { get; } = new();

        protected override IWebHostBuilder Configure(IWebHostBuilder web) => web
            .UseSetting("Coaching:HealthRefreshSeconds", "1")
            .ConfigureTestServices(services => services.AddSingleton<IStoreHealth>(Store));
    }

    private async Task<HealthCheckResponse.Types.ServingStatus> StatusAsync(string service) =>
        (await new Health.HealthClient(server.Channel(null)).CheckAsync(new HealthCheckRequest { Service = service })).Status;

    private async Task UntilAsync(string service, HealthCheckResponse.Types.ServingStatus wanted)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await StatusAsync(service) != wanted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{service} did not become {wanted} within {Patience}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Probes_AreAnsweredFromTheLastRun_NotByPingingTheStoreEachTime()
    {
        var before = server.Store.Pings;
        var started = DateTime.UtcNow;
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync(string.Empty));
        }

        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        // One background run a second at most (plus one in flight), whatever the number of probes.
        Assert.InRange(server.Store.Pings - before, 0, (int)Math.Ceiling(seconds) + 2);
    }

    [Fact]
    public async Task AFailingStore_TurnsItsReadinessAndTheServerNotServing_AndBackWhenItRecovers()
    {
        await UntilAsync("store", HealthCheckResponse.Types.ServingStatus.Serving);
        server.Store.Down = true;
        try
        {
            await UntilAsync("store", HealthCheckResponse.Types.ServingStatus.NotServing);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await StatusAsync(string.Empty));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await StatusAsync("outbox"));
        }
        finally
        {
            server.Store.Down = false;
        }

        await UntilAsync("store", HealthCheckResponse.Types.ServingStatus.Serving);
        await UntilAsync(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
    }
}
