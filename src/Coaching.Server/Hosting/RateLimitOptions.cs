namespace Coaching.Server.Hosting;

/// <summary>
/// The <c>Coaching:RateLimits</c> settings: a token bucket per caller (token subject; the client IP for calls without a token,
/// such as calendar feeds) and per kind of call. Health checks and reflection are never limited.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Whether calls are limited at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Roles whose calls are never limited (the organisation's own automation usually runs as admin).</summary>
    public string[] ExemptRoles { get; set; } = ["admin"];

    /// <summary>Reads: gets and lists.</summary>
    public Budget Reads { get; set; } = new() { PerSecond = 1000, Burst = 2000 };

    /// <summary>Writes: creates, updates, deletes and state changes.</summary>
    public Budget Writes { get; set; } = new() { PerSecond = 100, Burst = 200 };

    /// <summary>Expensive reads: slot listings and availability search.</summary>
    public Budget Expensive { get; set; } = new() { PerSecond = 50, Burst = 100 };

    /// <summary>Calls without a token (calendar feeds, the booking page's files), per client IP address.</summary>
    public Budget Anonymous { get; set; } = new() { PerSecond = 20, Burst = 40 };

    /// <summary>One budget: a steady rate and the burst a quiet caller may spend at once.</summary>
    public sealed class Budget
    {
        /// <summary>Calls per second, refilled continuously.</summary>
        public int PerSecond { get; set; }

        /// <summary>The most calls in a burst (the bucket's size).</summary>
        public int Burst { get; set; }
    }
}
