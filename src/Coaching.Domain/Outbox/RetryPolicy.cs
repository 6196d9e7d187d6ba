using NodaTime;

namespace Coaching.Domain.Outbox;

/// <summary>
/// When a failed delivery is tried again: exponential backoff from <see cref="BaseDelay"/>, capped at <see cref="MaxDelay"/>,
/// with full jitter in its upper half (so many deliveries failing together do not retry together); after
/// <see cref="MaxAttempts"/> attempts it is dead.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, Duration BaseDelay, Duration MaxDelay)
{
    /// <summary>8 attempts over about an hour and a half.</summary>
    public static RetryPolicy Default { get; } = new(8, Duration.FromSeconds(5), Duration.FromMinutes(30));

    /// <summary>The delay before attempt <paramref name="attempts"/> + 1, given a uniform sample <paramref name="unit"/> in [0, 1).</summary>
    public Duration DelayAfter(int attempts, double unit)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 30);
        var ceiling = Math.Min(BaseDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        return Duration.FromMilliseconds(ceiling * (0.5 + (unit / 2)));
    }

    /// <summary>Whether an attempt that failed temporarily, as attempt number <paramref name="attempts"/>, is the last one.</summary>
    public bool IsExhausted(int attempts) => attempts >= MaxAttempts;
}
