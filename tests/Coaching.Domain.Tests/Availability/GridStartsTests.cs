using Coaching.Domain.Availability;
using CsCheck;
using NodaTime;

namespace Coaching.Domain.Tests.Availability;

/// <summary>
/// The slot grid mapped by a known offset far from any transition gives exactly the starts of mapping every grid point through
/// the zone's rules (the exact walk, which TransitionSweepTests checks against a clock-reading oracle on every transition).
/// </summary>
public class GridStartsTests
{
    private static readonly string[] ZoneIds = [.. DateTimeZoneProviders.Tzdb.Ids];
    private static readonly int[] Steps = [5, 10, 15, 20, 30, 45, 50, 60, 90];

    [Fact]
    public void EveryZone_AWholeYear_TheFastWalkEqualsTheExactOne()
    {
        var stretch = (Instant.FromUtc(2026, 1, 1, 0, 0), Instant.FromUtc(2027, 1, 1, 0, 0));
        var mismatches = ZoneIds.AsParallel().Where(id =>
        {
            var zone = DateTimeZoneProviders.Tzdb[id];
            return !Walk(stretch, zone, Duration.FromMinutes(30), Duration.FromMinutes(50), exact: false)
                .SequenceEqual(Walk(stretch, zone, Duration.FromMinutes(30), Duration.FromMinutes(50), exact: true));
        }).ToList();

        Assert.Empty(mismatches);
    }

    [Fact]
    public void RandomZonesStretchesAndSteps_TheFastWalkEqualsTheExactOne()
    {
        Gen.Select(Gen.Int[0, ZoneIds.Length - 1], Gen.Int[0, 5 * 365 * 24 * 60], Gen.Int[1, 150 * 24 * 60], Gen.Int[0, Steps.Length - 1], Gen.Int[1, 24])
            .Sample((zoneIndex, startMinute, lengthMinutes, stepIndex, fives) =>
            {
                var zone = DateTimeZoneProviders.Tzdb[ZoneIds[zoneIndex]];
                var start = Instant.FromUtc(2025, 1, 1, 0, 0) + Duration.FromMinutes(startMinute);
                var stretch = (start, start + Duration.FromMinutes(lengthMinutes));
                var step = Duration.FromMinutes(Steps[stepIndex]);
                var duration = Duration.FromMinutes(fives * 5);

                Assert.Equal(Walk(stretch, zone, duration, step, exact: true), Walk(stretch, zone, duration, step, exact: false));
            }, iter: 400);
    }

    private static List<Instant> Walk((Instant, Instant) stretch, DateTimeZone zone, Duration duration, Duration step, bool exact)
    {
        var found = new InstantList();
        SlotCalculator.GridStarts(stretch, zone, duration, step, found, exact);
        return [.. found];
    }
}
