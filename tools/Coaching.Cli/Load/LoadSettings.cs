namespace Coaching.Cli.Load;

/// <summary>What a load run drives: where, how hard, for how long.</summary>
/// <param name="Server">The server's gRPC address.</param>
/// <param name="Seconds">How long each call is driven.</param>
/// <param name="InFlight">Calls kept in flight at once (a closed loop: each worker sends its next call when one returns).</param>
/// <param name="Coaches">Coaches prepared for the run; bookings spread over them.</param>
/// <param name="Token">Mints a bearer token for a subject, role and optional coach id.</param>
public sealed record LoadSettings(string Server, double Seconds, int InFlight, int Coaches, Func<string, string, string?, string> Token);
