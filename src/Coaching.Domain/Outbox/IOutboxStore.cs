using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Outbox;

/// <summary>
/// The outbox: the ordered log of entries that changes recorded, the deliveries fanned out from it, and the webhook endpoints.
/// Several processes may work one store: fan-out is guarded by a cursor that only moves forward with its deliveries, and a
/// delivery is leased to one process at a time (a lease that runs out frees it for another, so a crash loses nothing).
/// </summary>
public interface IOutboxStore
{
    /// <summary>
    /// Moves entries that changes recorded beside their documents into the ordered log, where the store keeps them apart (MongoDB),
    /// recording each one's deliveries (<paramref name="plan"/>) before the entry leaves its document; answers how many it moved.
    /// A store whose changes append to the log directly (SQLite) has nothing to do: fan-out reads its log.
    /// </summary>
    Task<int> RelayAsync(string owner, Instant now, Func<IReadOnlyList<LoggedEntry>, Task<IReadOnlyList<Delivery>>> plan, CancellationToken cancellationToken);

    /// <summary>
    /// How long a position may stay taken before its entry is written (see <see cref="LogGaps"/>): zero where a position is given
    /// as its entry is written; the relay's lease and a margin where the relay takes positions before it writes.
    /// </summary>
    Duration GapPatience { get; }

    /// <summary>Entries after <paramref name="after"/>, in position order.</summary>
    Task<IReadOnlyList<LoggedEntry>> ReadLogAsync(long after, int limit, CancellationToken cancellationToken);

    /// <summary>The first and last positions the log holds (0, 0 when empty; the last is the highest ever written).</summary>
    Task<(long First, long Last)> LogBoundsAsync(CancellationToken cancellationToken);

    /// <summary>Where fan-out stands: every entry up to it has its deliveries.</summary>
    Task<long> FanOutCursorAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="deliveries"/> (ignoring any already recorded) and moves the cursor from <paramref name="cursor"/> to
    /// <paramref name="through"/>; false, recording nothing, when the cursor is no longer at <paramref name="cursor"/>.
    /// </summary>
    Task<bool> FanOutAsync(long cursor, long through, IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="limit"/> pending deliveries that are due and are the earliest pending of their stream, to
    /// <paramref name="owner"/> until <paramref name="until"/>.
    /// </summary>
    Task<IReadOnlyList<Delivery>> LeaseDueAsync(string owner, Instant now, Instant until, int limit, CancellationToken cancellationToken);

    /// <summary>The entries with these ids.</summary>
    Task<IReadOnlyList<OutboxEntry>> GetEntriesAsync(IReadOnlyCollection<string> entryIds, CancellationToken cancellationToken);

    /// <summary>
    /// Records how attempts ended (new state, attempts, error, next attempt), in one write, for the deliveries whose lease
    /// <paramref name="owner"/> still holds; answers how many. A lost lease means another process may be delivering it.
    /// </summary>
    Task<int> SettleAllAsync(string owner, IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken);

    /// <summary>Deliveries matching the query.</summary>
    Task<IReadOnlyList<Delivery>> ListDeliveriesAsync(DeliveryQuery query, CancellationToken cancellationToken);

    /// <summary>Puts a dead delivery back to pending with no attempts, due at <paramref name="now"/>: the delivery as it now stands (null when missing), and whether it was dead.</summary>
    Task<(Delivery? Delivery, bool Retried)> RetryAsync(string deliveryId, Instant now, CancellationToken cancellationToken);

    /// <summary>Deletes delivered or skipped deliveries, and log entries whose deliveries are all done, recorded before <paramref name="before"/>.</summary>
    Task<int> PruneAsync(Instant before, CancellationToken cancellationToken);

    /// <summary>Queue depth and age.</summary>
    Task<OutboxStats> StatsAsync(CancellationToken cancellationToken);

    /// <summary>Registers an endpoint; a request key used before returns the original.</summary>
    Task<CreateResult<Webhook>> CreateWebhookAsync(Webhook webhook, IdempotencyKey? key, CancellationToken cancellationToken);

    /// <summary>Endpoints ordered by id after the cursor.</summary>
    Task<IReadOnlyList<Webhook>> ListWebhooksAsync(string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Every active endpoint (fan-out reads them once per batch).</summary>
    Task<IReadOnlyList<Webhook>> ActiveWebhooksAsync(CancellationToken cancellationToken);

    /// <summary>The endpoint, or null.</summary>
    Task<Webhook?> GetWebhookAsync(string webhookId, CancellationToken cancellationToken);

    /// <summary>Deletes an endpoint and its pending deliveries; false when missing.</summary>
    Task<bool> DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken);
}
