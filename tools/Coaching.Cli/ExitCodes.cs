namespace Coaching.Cli;

/// <summary>What the CLI's exit code means (documented in the README).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>It ran but something failed (a load run with errors, a backup that does not verify, no signing key).</summary>
    public const int Failed = 1;

    /// <summary>The server refused the call (the gRPC status and reason are printed).</summary>
    public const int Refused = 2;

    /// <summary>An offline command refused to run (a server holds the database; a migration whose source or target is not ready).</summary>
    public const int Busy = 3;

    /// <summary>The command line itself is wrong (unknown command or option, missing value).</summary>
    public const int Usage = 64;
}
