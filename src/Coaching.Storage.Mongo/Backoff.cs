namespace Coaching.Storage.Mongo;

/// <summary>
/// The pause before retrying a write that lost a race (a seat or a line position taken between our read and our write): full
/// jitter over an exponentially growing cap, so racing writers spread out instead of colliding again.
/// </summary>
internal static class Backoff
{
    private static readonly TimeSpan Cap = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause before retry number <paramref name="attempt"/> (0-based).</summary>
    public static TimeSpan Ceiling(int attempt) => TimeSpan.FromMilliseconds(Math.Min(Cap.TotalMilliseconds, 5 * Math.Pow(2, Math.Min(attempt, 10))));

    /// <summary>Waits a random time up to <see cref="Ceiling"/>.</summary>
    public static Task DelayAsync(int attempt, CancellationToken ct) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Ceiling(attempt).TotalMilliseconds), ct);
}
