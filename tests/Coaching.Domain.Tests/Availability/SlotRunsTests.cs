using Coaching.Domain.Availability;
using NodaTime;

namespace Coaching.Domain.Tests.Availability;

public class SlotRunsTests
{
    [Fact]
    public void Fold_ThenExpand_GivesBackEveryStart_AndRunsAreMaximal()
    {
        var random = new Random(20261130);
        var step = Duration.FromMinutes(15);
        for (var trial = 0; trial < 2000; trial++)
        {
            // Gaps of exactly one step (same run), or of other lengths a DST shift or a taken slot leaves (a new run).
            var starts = new List<Instant>();
            var at = Instant.FromUtc(2027, 3, 28, 0, 0);
            for (var i = random.Next(0, 60); i > 0; i--)
            {
                starts.Add(at);
                at += random.Next(4) switch
                {
                    0 => Duration.FromMinutes(45),
                    1 => Duration.FromMinutes(75),
                    _ => step,
                };
            }

            var runs = SlotRuns.Fold(starts, step);

            Assert.Equal(starts, SlotRuns.Expand(runs, step));
            Assert.All(runs.Zip(runs.Skip(1)), pair => Assert.NotEqual(pair.First.Start + (step * pair.First.Count), pair.Second.Start));
            Assert.Equal(starts.Zip(starts.Skip(1)).Count(pair => pair.Second - pair.First != step) + (starts.Count > 0 ? 1 : 0), runs.Count);
        }
    }

    [Fact]
    public void Fold_NonPositiveStep_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SlotRuns.Fold([Instant.FromUtc(2027, 1, 1, 0, 0)], Duration.Zero));
}
