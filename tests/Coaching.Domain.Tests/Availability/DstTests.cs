using Coaching.Domain.Availability;
using NodaTime;
using static Coaching.Domain.Tests.Availability.SlotFixtures;

namespace Coaching.Domain.Tests.Availability;

/// <summary>Transition days in zones with 1 h, 30 min and no shifts, odd offsets, and both hemispheres.</summary>
public class DstTests
{
    [Fact]
    public void London_SpringForward_GapHourHasNoSlots()
    {
        // 2026-03-29: 01:00 GMT -> 02:00 BST.
        var query = Query("Europe/London", Every("00:00", "04:00"), Offering(60));

        Assert.Equal(["00:00+00:00", "02:00+01:00", "03:00+01:00"], LocalSlots(query, new LocalDate(2026, 3, 29), 60));
    }

    [Fact]
    public void London_FallBack_RepeatedHourYieldsDistinctNonOverlappingSlots()
    {
        // 2026-10-25: 02:00 BST -> 01:00 GMT, so 01:00-02:00 happens twice; the window lasts four real hours.
        var query = Query("Europe/London", Every("00:00", "03:00"), Offering(60));

        Assert.Equal(["00:00+01:00", "01:00+01:00", "01:00+00:00", "02:00+00:00"], LocalSlots(query, new LocalDate(2026, 10, 25), 60));
    }

    [Fact]
    public void London_FallBack_WindowInsideTheOverlap_NoDuplicates()
    {
        var query = Query("Europe/London", Every("01:00", "02:00"), Offering(30));

        var slots = LocalSlots(query, new LocalDate(2026, 10, 25), 30);

        Assert.Equal(["01:00+01:00", "01:30+01:00", "01:00+00:00", "01:30+00:00"], slots);
        Assert.Equal(slots.Count, slots.Distinct().Count());
    }

    [Fact]
    public void NewYork_SpringForwardAndFallBack()
    {
        // 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
        var query = Query("America/New_York", Every("01:00", "04:00"), Offering(60));

        Assert.Equal(["01:00-05:00", "03:00-04:00"], LocalSlots(query, new LocalDate(2026, 3, 8), 60));
        Assert.Equal(["01:00-04:00", "01:00-05:00", "02:00-05:00", "03:00-05:00"], LocalSlots(query, new LocalDate(2026, 11, 1), 60));
    }

    [Fact]
    public void LordHowe_HalfHourShifts()
    {
        // 2026-04-05 02:00 (+11) -> 01:30 (+10:30); 2026-10-04 02:00 (+10:30) -> 02:30 (+11).
        var query = Query("Australia/Lord_Howe", Every("01:00", "04:00"), Offering(30));

        Assert.Equal(["01:00+11:00", "01:30+11:00", "01:30+10:30", "02:00+10:30", "02:30+10:30", "03:00+10:30", "03:30+10:30"],
            LocalSlots(query, new LocalDate(2026, 4, 5), 30));
        Assert.Equal(["01:00+10:30", "01:30+10:30", "02:30+11:00", "03:00+11:00", "03:30+11:00"],
            LocalSlots(query, new LocalDate(2026, 10, 4), 30));
    }

    [Fact]
    public void LordHowe_FallBack_SteppedByDuration_NeverOverlaps()
    {
        var query = Query("Australia/Lord_Howe", Every("00:00", "06:00"), Offering(45));
        var date = new LocalDate(2026, 4, 5);

        var result = SlotCalculator.Compute(query, query.Zone.AtStartOfDay(date).ToInstant(), query.Zone.AtStartOfDay(date.PlusDays(1)).ToInstant(),
            LongAgo, Duration.FromMinutes(45));

        Assert.All(result.Slots.Zip(result.Slots.Skip(1)), pair => Assert.True(pair.Second - pair.First >= Duration.FromMinutes(45)));
        Assert.Equal(8, result.Slots.Count); // 6.5 real hours hold eight 45-minute sessions.
    }

    [Theory]
    [InlineData("Asia/Kathmandu", "03:15")]
    [InlineData("Asia/Kolkata", "03:30")]
    [InlineData("Asia/Tokyo", "00:00")]
    public void OddOffsets_SlotInstantsFollowTheOffset(string zone, string utcOfNineLocal)
    {
        var query = Query(zone, Every("09:00", "10:00"), Offering(60));
        var date = new LocalDate(2026, 12, 7);

        var result = SlotCalculator.Compute(query, query.Zone.AtStartOfDay(date).ToInstant(), query.Zone.AtStartOfDay(date.PlusDays(1)).ToInstant(),
            LongAgo, Duration.FromMinutes(15));

        var only = Assert.Single(result.Slots);
        Assert.Equal(utcOfNineLocal, only.InUtc().ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Sydney_SouthernHemisphere_SpringForwardInOctober()
    {
        // 2026-10-04 02:00 AEST -> 03:00 AEDT.
        var query = Query("Australia/Sydney", Every("01:00", "04:00"), Offering(60));

        Assert.Equal(["01:00+10:00", "03:00+11:00"], LocalSlots(query, new LocalDate(2026, 10, 4), 60));
        Assert.Equal(["01:00+10:00", "02:00+10:00", "03:00+10:00"], LocalSlots(query, new LocalDate(2026, 10, 3), 60));
    }

    [Fact]
    public void NoDstZone_EveryDayIdentical_AcrossAWholeYear()
    {
        var query = Query("Asia/Tokyo", Every("09:00", "10:00"), Offering(60));

        var result = SlotCalculator.Compute(query, query.Zone.AtStartOfDay(new LocalDate(2026, 1, 1)).ToInstant(),
            query.Zone.AtStartOfDay(new LocalDate(2026, 12, 31)).ToInstant(), LongAgo, Duration.FromMinutes(60));

        Assert.Equal(364, result.Slots.Count);
        Assert.All(result.Slots, s => Assert.Equal(new LocalTime(9, 0), s.InZone(query.Zone).TimeOfDay));
        Assert.Equal(result.Days.Count, result.Slots.Count);
    }
    private static readonly Instant Early2027 = Instant.FromUtc(2027, 1, 1, 0, 0);

    [Fact]
    public void NewYork_FallBack_WindowEndingInTheRepeatedHour_CoversOnlyReadingsInsideIt()
    {
        // 2027-11-07 02:00 EDT -> 01:00 EST: 00:00-01:30 reads inside twice, 04:00Z-05:30Z and 06:00Z-06:30Z, never 05:30Z-06:00Z.
        var query = Query("America/New_York", Weekly((IsoDayOfWeek.Sunday, "00:00", "01:30")), Offering(30));

        var result = SlotCalculator.Compute(query, Instant.FromUtc(2027, 11, 7, 4, 0), Instant.FromUtc(2027, 11, 7, 7, 0), Early2027,
            Duration.FromMinutes(15));

        Assert.Equal(["04:00", "04:15", "04:30", "04:45", "05:00", "06:00"],
            result.Slots.Select(s => s.InUtc().ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(SlotVerdict.OutsideAvailability,
            SlotCalculator.Classify(query, Instant.FromUtc(2027, 11, 7, 5, 45), Early2027, Duration.FromMinutes(15)));
        Assert.Equal(SlotVerdict.Open, SlotCalculator.Classify(query, Instant.FromUtc(2027, 11, 7, 6, 0), Early2027, Duration.FromMinutes(15)));
    }

    [Fact]
    public void London_FallBack_WindowInsideTheRepeatedHour_IsTwoShortStretches()
    {
        var query = Query("Europe/London", Every("01:15", "01:45"), Offering(30));

        Assert.Equal(["01:15+01:00", "01:15+00:00"], LocalSlots(query, new LocalDate(2027, 10, 31), 15, Early2027));
    }

    [Fact]
    public void LordHowe_FallBack_NoThirtyMinuteStretchReadsInsideA20MinuteRepeat_DayHasNoHours()
    {
        // 2027-04-04 02:00 (+11) -> 01:30 (+10:30): 01:35-01:55 reads inside for 20 minutes, twice.
        var query = Query("Australia/Lord_Howe", Every("01:35", "01:55"), Offering(30));
        var date = new LocalDate(2027, 4, 4);

        var result = SlotCalculator.Compute(query, query.Zone.AtStartOfDay(date).ToInstant(), query.Zone.AtStartOfDay(date.PlusDays(1)).ToInstant(),
            Early2027, Duration.FromMinutes(15));

        Assert.Empty(result.Slots);
        Assert.Equal([(date, DayStatus.NoHours)], result.Days);
    }
}
