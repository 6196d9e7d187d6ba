using NodaTime;

namespace Coaching.Domain.Common;

/// <summary>Instant helpers.</summary>
public static class Instants
{
    /// <summary>Drops sub-millisecond precision, the precision every store keeps.</summary>
    public static Instant TruncateToMilliseconds(Instant instant) =>
        Instant.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());
}
