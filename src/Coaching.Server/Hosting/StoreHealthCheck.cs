using Coaching.Domain.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coaching.Server.Hosting;

/// <summary>Health of the store: SERVING only while it answers a ping.</summary>
public sealed class StoreHealthCheck(IStoreHealth store) : IHealthCheck
{
    /// <summary>The check's name, and the gRPC health service name of the store's readiness.</summary>
    public const string Name = "store";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await store.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy("The store answers.");
        }
#pragma warning disable CA1031 // Any failure to ping means "not serving", reported rather than thrown.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy("The store does not answer.", e);
        }
    }
}
