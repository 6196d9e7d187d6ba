namespace Coaching.Cli.Load;

/// <summary>What a load run drives: where, how hard, for how long.</summary>
/// <param name="Server">The server's gRPC address.</param>
/// <param name="Seconds">How long each call is driven.</param>
/// <param name="InFlight">Calls kept in flight at once (a closed loop: each worker sends its next call when one returns).</param>
/// <param name="Coaches">Coaches prepared for the run; bookings spread over them.</param>
/// <param name="Token">Mints a bearer token for a subject, role and optional coach id.</param>
/// <param name="Calls">
/// Which calls to drive after the no-op (<c>coach</c>, <c>slots7</c>, <c>slots90</c>, <c>runs7</c>, <c>runs90</c>, <c>book</c>); null for all.
/// </param>
/// <param name="WarmUp">Seconds each call is driven, uncounted, before it is measured; null for the default (see <see cref="WarmUpTime"/>).</param>
public sealed record LoadSettings(string Server, double Seconds, int InFlight, int Coaches, Func<string, string, string?, string> Token,
    IReadOnlySet<string>? Calls = null, double? WarmUp = null)
{
    /// <summary>The keys <see cref="Calls"/> may hold.</summary>
    public static readonly IReadOnlySet<string> CallKeys = new HashSet<string>(["coach", "slots7", "slots90", "runs7", "runs90", "book"], StringComparer.Ordinal);

    /// <summary>
    /// The uncounted warm-up before each call's window: <see cref="WarmUp"/> when given, otherwise 5 s (at most half the window).
    /// A call's first seconds on a server still compile its path: with 2 s, the tiered JIT's background thread was 15% of the
    /// server's CPU samples in the booking window's seconds 2 to 7 (<c>perf</c>, this machine), and under 1% after 8 s.
    /// </summary>
    public TimeSpan WarmUpTime => TimeSpan.FromSeconds(WarmUp ?? Math.Min(5, Seconds / 2));
}
