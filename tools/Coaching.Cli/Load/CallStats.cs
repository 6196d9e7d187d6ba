namespace Coaching.Cli.Load;

/// <summary>One call's figures from a load run; latencies in milliseconds, <see cref="Ratio"/> its rate over the no-op's.</summary>
public sealed record CallStats(string Call, long Count, long Errors, double Rate, double P50, double P90, double P99, double Max, double Ratio)
{
    /// <summary>Calls that succeeded during the warm-up, which the figures leave out.</summary>
    public long WarmUpCalls { get; init; }

    /// <summary>The mean size of a successful response's message, in bytes.</summary>
    public double ResponseBytes { get; init; }

    /// <summary>The first error seen, if any, for the report.</summary>
    public string? FirstError { get; init; }

    public override string ToString() => FormattableString.Invariant(
        $"{Call,-28} {Count,8} calls {Rate,9:F0}/s  p50 {P50,7:F2}  p90 {P90,7:F2}  p99 {P99,7:F2}  max {Max,8:F2} ms  errors {Errors,4}  ratio {Ratio,5:F3}  {ResponseBytes / 1024,7:F1} KiB");
}
