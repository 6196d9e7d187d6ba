namespace Coaching.Domain.Common;

/// <summary>
/// Prepares a store before the first call (SQLite: schema migration; MongoDB: indexes). Run once when the host starts, never
/// during service registration, so registering services does no IO.
/// </summary>
public interface IStoreInitializer
{
    /// <summary>Brings the store to the schema this code expects; idempotent, safe for several processes at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}
