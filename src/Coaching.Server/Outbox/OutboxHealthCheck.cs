using Coaching.Domain.Outbox;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;

namespace Coaching.Server.Outbox;

/// <summary>
/// The outbox's part of readiness: the queue depth, the oldest pending delivery's age and the dead count as data; Degraded once
/// something has waited longer than <see cref="StaleAfter"/> (a channel is down or nobody delivers).
/// </summary>
public sealed class OutboxHealthCheck(IOutboxStore store, IClock clock) : IHealthCheck
{
    /// <summary>The check's name, and the gRPC health service name of the delivery queue's readiness.</summary>
    public const string Name = "outbox";

    /// <summary>How long a delivery may wait before the outbox counts as degraded.</summary>
    public static readonly Duration StaleAfter = Duration.FromMinutes(15);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var stats = await store.StatsAsync(cancellationToken);
            var age = stats.OldestPending is { } oldest ? clock.GetCurrentInstant() - oldest : Duration.Zero;
            var data = new Dictionary<string, object>
            {
                ["pending"] = stats.Pending,
                ["oldest_pending_age_s"] = Math.Round(age.TotalSeconds, 1),
                ["dead"] = stats.Dead,
                ["unplanned"] = stats.Unplanned,
            };
            return age > StaleAfter
                ? HealthCheckResult.Degraded($"A delivery has waited {age.TotalMinutes:0} minutes.", data: data)
                : HealthCheckResult.Healthy($"{stats.Pending} deliveries pending.", data);
        }
#pragma warning disable CA1031 // Any failure to read the queue is reported, not thrown.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy("The outbox cannot be read.", e);
        }
    }
}
