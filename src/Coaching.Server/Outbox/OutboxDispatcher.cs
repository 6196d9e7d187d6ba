using System.Diagnostics.Metrics;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Server.Outbox;

/// <summary>
/// Works the outbox in the background: relays entries into the log (where the store keeps them apart), fans new log entries
/// out into deliveries, leases due deliveries and makes them, and prunes what is past retention. Every step is safe with
/// several processes on one database and after a crash: fan-out moves a cursor only together with its deliveries, and a
/// delivery is made under a lease that runs out if its process dies, after which another attempt makes it again (at least once;
/// the stable ids let receivers drop the duplicate).
/// </summary>
public sealed partial class OutboxDispatcher(
    IOutboxStore store, MailChannel mail, WebhookChannel webhooks, DeliveryOptions options, RequestLoad load, IClock clock,
    ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    /// <summary>The meter of the dispatcher: queue depth, oldest pending age, attempts by outcome.</summary>
    public const string MeterName = "Coaching.Delivery";

    private const int FanOutBatch = 256;
    private const int LeaseBatch = 64;
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>("coaching.delivery.attempts", description: "Delivery attempts by channel and outcome");

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly RetryPolicy _policy = new(options.MaxAttempts, Duration.FromMilliseconds(options.RetryBaseSeconds * 1000), Duration.FromMinutes(30));
    private Instant _lastPrune = Instant.MinValue;
    private Instant _lastStats = Instant.MinValue;

    /// <summary>The last queue figures the dispatcher read (for readiness and metrics).</summary>
    public OutboxStats? LastStats { get; private set; }

    /// <summary>Runs one round: relay, fan-out, one batch of deliveries, and (every few minutes) pruning and stats. True if it did any work.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var worked = await store.RelayAsync(_owner, now, entries => PlanAsync(entries, now, ct), ct) > 0;
        worked |= await FanOutAsync(now, ct);
        var leased = await store.LeaseDueAsync(_owner, now, now + Duration.FromMilliseconds(options.LeaseSeconds * 1000), LeaseBatch, ct);
        if (leased.Count > 0)
        {
            await DeliverAsync(leased, ct);
            worked = true;
        }

        if (now - _lastPrune > Duration.FromMinutes(5))
        {
            _lastPrune = now;
            await store.PruneAsync(now - Duration.FromMilliseconds(options.RetentionHours * 3_600_000), ct);
        }

        // The queue figures are a handful of counts: read for the gauges every few seconds, not on every poll.
        if (now - _lastStats > Duration.FromSeconds(5))
        {
            _lastStats = now;
            LastStats = await store.StatsAsync(ct);
        }

        return worked;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Meter.CreateObservableGauge("coaching.delivery.pending", () => LastStats?.Pending ?? 0, description: "Deliveries waiting");
        Meter.CreateObservableGauge("coaching.delivery.oldest_pending_age", () => OldestPendingSeconds(), unit: "s",
            description: "Age of the oldest waiting delivery");
        Meter.CreateObservableGauge("coaching.delivery.dead", () => LastStats?.Dead ?? 0, description: "Dead deliveries");
        if (!options.Enabled)
        {
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var worked = await RunOnceAsync(stoppingToken);
                failures = 0;
                if (!worked)
                {
                    await Task.Delay(options.PollMilliseconds, stoppingToken);
                }
                else if (options.MaxShare < 1 && load.InFlight > 0)
                {
                    // While callers wait, rest in proportion to the work just done: their requests come first, and the backlog
                    // drains at full speed as soon as they ease off. (Open event streams count as waiting callers too.)
                    var busy = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                    await Task.Delay(busy * ((1 / options.MaxShare) - 1), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The dispatcher outlives any one failure (a store outage, a bug in one message); it logs and tries again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, e);
                failures++;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 8)))), stoppingToken);
            }
        }
    }

    /// <summary>Seconds since the oldest pending delivery was recorded (0 when none).</summary>
    public double OldestPendingSeconds() =>
        LastStats?.OldestPending is { } oldest ? Math.Max(0, (clock.GetCurrentInstant() - oldest).TotalSeconds) : 0;

    // One batch per round, so that a round stays short and the rest after it (MaxShare) applies to fan-out as well.
    private async Task<bool> FanOutAsync(Instant now, CancellationToken ct)
    {
        var cursor = await store.FanOutCursorAsync(ct);
        var entries = await store.ReadLogAsync(cursor, FanOutBatch, ct);
        if (entries.Count == 0)
        {
            return false;
        }

        // Losing the race to another process is fine: it recorded the same deliveries (same ids) and moved the cursor.
        await store.FanOutAsync(cursor, entries[^1].Position, await PlanAsync(entries, now, ct), ct);
        return true;
    }

    private async Task<IReadOnlyList<Delivery>> PlanAsync(IReadOnlyList<LoggedEntry> entries, Instant now, CancellationToken ct)
    {
        var hooks = entries.Any(e => e.Entry.IsPublic) ? await store.ActiveWebhooksAsync(ct) : [];
        return [.. entries.SelectMany(e => DeliveryPlanner.Plan(e, hooks, now))];
    }

    private async Task DeliverAsync(IReadOnlyList<Delivery> leased, CancellationToken ct)
    {
        var entries = (await store.GetEntriesAsync([.. leased.Select(d => d.EntryId).Distinct()], ct)).ToDictionary(e => e.Id);
        var hooks = new Dictionary<string, Webhook?>();
        foreach (var d in leased.Where(d => d.Channel == DeliveryChannel.Webhook).Select(d => d.Recipient).Distinct())
        {
            hooks[d] = await store.GetWebhookAsync(d["webhooks/".Length..], ct);
        }

        // While callers wait, one delivery at a time: the rest after the round (MaxShare) is measured in wall time, so a round
        // that used several threads would take several times its share of the cores from them.
        var parallelism = options.MaxShare < 1 && load.InFlight > 0 ? 1 : options.Parallelism;
        var settlements = new System.Collections.Concurrent.ConcurrentBag<Settlement>();
        await Parallel.ForEachAsync(leased, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (delivery, token) =>
            settlements.Add(Settle(delivery, await AttemptAsync(delivery, entries.GetValueOrDefault(delivery.EntryId), hooks, token))));
        // One write records the whole round. A lease lost meanwhile means another process took a delivery over; its attempt settles it.
        await store.SettleAllAsync(_owner, [.. settlements], ct);
    }

    private async Task<DeliveryResult> AttemptAsync(Delivery delivery, OutboxEntry? entry, Dictionary<string, Webhook?> hooks,
        CancellationToken ct)
    {
        if (entry is null)
        {
            return new DeliveryResult.Permanent("its outbox entry is gone");
        }

        try
        {
            if (delivery.Channel == DeliveryChannel.Email)
            {
                return await mail.SendAsync(delivery, entry, ct);
            }

            return hooks.GetValueOrDefault(delivery.Recipient) is { } hook
                ? await webhooks.SendAsync(hook, new LoggedEntry(delivery.Position, entry), clock.GetCurrentInstant().ToUnixTimeSeconds(), ct)
                : new DeliveryResult.Permanent($"{delivery.Recipient} was deleted");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // An unexpected failure of one message is retried like any temporary one, and logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogAttemptFailed(logger, e, delivery.Id);
            return new DeliveryResult.Temporary($"unexpected {e.GetType().Name}");
        }
    }

    private Settlement Settle(Delivery delivery, DeliveryResult result)
    {
        var attempts = delivery.Attempts + 1;
        var now = clock.GetCurrentInstant();
        var (state, error, next, outcome) = result switch
        {
            DeliveryResult.Delivered => (DeliveryState.Delivered, string.Empty, now, "delivered"),
            DeliveryResult.Permanent p => (DeliveryState.Dead, p.Error, now, "dead"),
            DeliveryResult.Temporary t when _policy.IsExhausted(attempts) => (DeliveryState.Dead, $"gave up after {attempts} attempts: {t.Error}", now, "dead"),
            DeliveryResult.Temporary t => (DeliveryState.Pending, t.Error, now + _policy.DelayAfter(attempts, Random.Shared.NextDouble()), "retry"),
            _ => throw new InvalidOperationException($"Unknown result {result}."),
        };
        Attempts.Add(1, new KeyValuePair<string, object?>("channel", delivery.Channel.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("outcome", outcome));
        if (state == DeliveryState.Dead)
        {
            LogDead(logger, delivery.Id, delivery.Channel, error);
        }

        return new Settlement(delivery.Id, state, attempts, error, next);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An outbox round failed; retrying")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} failed unexpectedly")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {DeliveryId} ({Channel}) is dead: {Error}")]
    private static partial void LogDead(ILogger logger, string deliveryId, DeliveryChannel channel, string error);
}
