namespace Coaching.Domain.Common;

/// <summary>Reports whether the backing store answers.</summary>
public interface IStoreHealth
{
    /// <summary>Pings the store; throws when it is unreachable.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
