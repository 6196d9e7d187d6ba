using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// Open starts folded into runs: a run is a first start and how many starts follow it exactly one step apart, so a listing
/// becomes a few runs where it was hundreds of slots. Expanding the runs gives back the starts, in order, exactly.
/// </summary>
public static class SlotRuns
{
    /// <summary>The maximal runs of <paramref name="starts"/> (ascending) at <paramref name="step"/> apart.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="step"/> is not positive.</exception>
    public static IReadOnlyList<(Instant Start, int Count)> Fold(IReadOnlyList<Instant> starts, Duration step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, Duration.Zero);
        var runs = new List<(Instant Start, int Count)>();
        for (var i = 0; i < starts.Count; i++)
        {
            if (runs.Count > 0 && starts[i] - starts[i - 1] == step)
            {
                runs[^1] = (runs[^1].Start, runs[^1].Count + 1);
            }
            else
            {
                runs.Add((starts[i], 1));
            }
        }

        return runs;
    }

    /// <summary>Every start the runs stand for, in order.</summary>
    public static IEnumerable<Instant> Expand(IEnumerable<(Instant Start, int Count)> runs, Duration step) =>
        runs.SelectMany(run => Enumerable.Range(0, run.Count).Select(k => run.Start + (step * k)));
}
