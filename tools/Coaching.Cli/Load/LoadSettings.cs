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
public sealed record LoadSettings(string Server, double Seconds, int InFlight, int Coaches, Func<string, string, string?, string> Token,
    IReadOnlySet<string>? Calls = null)
{
    /// <summary>The keys <see cref="Calls"/> may hold.</summary>
    public static readonly IReadOnlySet<string> CallKeys = new HashSet<string>(["coach", "slots7", "slots90", "runs7", "runs90", "book"], StringComparer.Ordinal);
}
