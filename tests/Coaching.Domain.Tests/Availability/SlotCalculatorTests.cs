using Coaching.Domain.Availability;
using NodaTime;
using static Coaching.Domain.Tests.Availability.SlotFixtures;

namespace Coaching.Domain.Tests.Availability;

public class SlotCalculatorTests
{
    private static readonly LocalDate Monday = new(2026, 12, 7);

    [Fact]
    public void OrdinaryDay_SlotsOnTheStepGridInsideTheWindow()
    {
        var query = Query("Europe/London", Weekly((IsoDayOfWeek.Monday, "09:00", "12:00")), Offering(60));

        var slots = LocalSlots(query, Monday, 15);

        Assert.Equal(["09:00+00:00", "09:15+00:00", "09:30+00:00", "09:45+00:00", "10:00+00:00", "10:15+00:00", "10:30+00:00", "10:45+00:00", "11:00+00:00"], slots);
    }

    [Fact]
    public void WindowNotOnGrid_FirstSlotIsNextGridPoint()
    {
        var query = Query("Europe/London", Weekly((IsoDayOfWeek.Monday, "09:10", "10:30")), Offering(30));

        Assert.Equal(["09:15+00:00", "09:30+00:00", "09:45+00:00", "10:00+00:00"], LocalSlots(query, Monday, 15));
    }

    [Fact]
    public void TwoWindows_SlotsNeverSpanTheGap_TouchingWindowsJoin()
    {
        var gap = Query("Europe/London", Weekly((IsoDayOfWeek.Monday, "09:00", "10:00"), (IsoDayOfWeek.Monday, "10:30", "11:30")), Offering(60));
        var touching = Query("Europe/London", Weekly((IsoDayOfWeek.Monday, "09:00", "10:00"), (IsoDayOfWeek.Monday, "10:00", "11:00")), Offering(60));

        Assert.Equal(["09:00+00:00", "10:30+00:00"], LocalSlots(gap, Monday, 30));
        Assert.Equal(["09:00+00:00", "09:30+00:00", "10:00+00:00"], LocalSlots(touching, Monday, 30));
    }

    [Fact]
    public void WindowsAcrossMidnight_JoinIntoOneStretch()
    {
        var query = Query("Europe/London",
            Weekly((IsoDayOfWeek.Monday, "22:00", "24:00"), (IsoDayOfWeek.Tuesday, "00:00", "02:00")), Offering(120));

        var result = SlotCalculator.Compute(query, Instant.FromUtc(2026, 12, 7, 0, 0), Instant.FromUtc(2026, 12, 9, 0, 0), LongAgo,
            Duration.FromMinutes(60));

        Assert.Equal([Instant.FromUtc(2026, 12, 7, 22, 0), Instant.FromUtc(2026, 12, 7, 23, 0), Instant.FromUtc(2026, 12, 8, 0, 0)], result.Slots);
    }

    [Fact]
    public void BusyTime_BlocksSlotsWhoseBufferedIntervalOverlaps()
    {
        // Existing booking 10:00-11:00 with its buffers blocks 09:50-11:10; the new offering has 10 min buffers too.
        var busy = new BusyInterval(new Interval(Instant.FromUtc(2026, 12, 7, 9, 50), Instant.FromUtc(2026, 12, 7, 11, 10)), Instant.FromUtc(2026, 12, 7, 10, 0), "other");
        var query = Query("Europe/London", Weekly((IsoDayOfWeek.Monday, "09:00", "13:00")), Offering(30, 10, 10), busy: [busy]);

        var slots = LocalSlots(query, Monday, 15);

        // 09:15 (block 09:05-09:55) overlaps; 09:00 (08:50-09:40) is free; 11:15 (11:05-11:55) overlaps; 11:30 is free.
        Assert.Equal(["09:00+00:00", "11:30+00:00", "11:45+00:00", "12:00+00:00", "12:15+00:00", "12:30+00:00"], slots);
    }

    [Fact]
    public void NoticeAndHorizon_TrimTheEdges()
    {
        var now = Instant.FromUtc(2026, 12, 7, 9, 20);
        var query = Query("Europe/London", Every("09:00", "11:00"), Offering(30, noticeMinutes: 60, horizonDays: 1));

        var result = SlotCalculator.Compute(query, Instant.FromUtc(2026, 12, 7, 0, 0), Instant.FromUtc(2026, 12, 10, 0, 0), now, Duration.FromMinutes(30));

        Assert.Equal(Instant.FromUtc(2026, 12, 7, 10, 30), result.Slots[0]);
        Assert.Equal(Instant.FromUtc(2026, 12, 8, 9, 0), result.Slots[^1]);
        Assert.All(result.Slots, s => Assert.InRange(s, now + Duration.FromHours(1), now + Duration.FromDays(1)));
    }

    [Fact]
    public void Overrides_UnavailableAndReplaceHours_LatestWins()
    {
        var off = Override("01a", new LocalDate(2026, 12, 7), new LocalDate(2026, 12, 8), OverrideKind.Unavailable);
        var extra = Override("01b", new LocalDate(2026, 12, 8), new LocalDate(2026, 12, 8), OverrideKind.ReplaceHours, Window("18:00", "19:00"));
        var query = Query("Europe/London", Every("09:00", "10:00"), Offering(60), [extra, off]);

        Assert.Empty(LocalSlots(query, new LocalDate(2026, 12, 7), 60));
        Assert.Equal(["18:00+00:00"], LocalSlots(query, new LocalDate(2026, 12, 8), 60));
        Assert.Equal(["09:00+00:00"], LocalSlots(query, new LocalDate(2026, 12, 9), 60));
    }

    [Fact]
    public void DailyCap_RemovesTheDayAndSaysSo_OtherOfferingsDoNotCount()
    {
        var mine = new BusyInterval(new Interval(Instant.FromUtc(2026, 12, 7, 9, 0), Instant.FromUtc(2026, 12, 7, 10, 0)), Instant.FromUtc(2026, 12, 7, 9, 0), "o1");
        var other = new BusyInterval(new Interval(Instant.FromUtc(2026, 12, 8, 9, 0), Instant.FromUtc(2026, 12, 8, 10, 0)), Instant.FromUtc(2026, 12, 8, 9, 0), "o2");
        var query = Query("Europe/London", Every("09:00", "12:00"), Offering(60, dailyCap: 1), busy: [mine, other]);

        var result = SlotCalculator.Compute(query, Instant.FromUtc(2026, 12, 7, 0, 0), Instant.FromUtc(2026, 12, 9, 0, 0), LongAgo, Duration.FromMinutes(60));

        Assert.Equal([(new LocalDate(2026, 12, 7), DayStatus.CapReached), (new LocalDate(2026, 12, 8), DayStatus.Available)], result.Days);
        Assert.Equal([Instant.FromUtc(2026, 12, 8, 10, 0), Instant.FromUtc(2026, 12, 8, 11, 0)], result.Slots);
    }

    [Fact]
    public void WeeklyCap_CountsTheWholeIsoWeek()
    {
        // Two sessions on Monday 7 Dec; cap 2 per week closes Tue..Sun of that week, and the next week is open again.
        var busy = new[] { 9, 10 }.Select(h => new BusyInterval(new Interval(Instant.FromUtc(2026, 12, 7, h, 0), Instant.FromUtc(2026, 12, 7, h + 1, 0)),
            Instant.FromUtc(2026, 12, 7, h, 0), "o1")).ToList();
        var query = Query("Europe/London", Every("09:00", "12:00"), Offering(60, weeklyCap: 2), busy: busy);

        var result = SlotCalculator.Compute(query, Instant.FromUtc(2026, 12, 12, 0, 0), Instant.FromUtc(2026, 12, 15, 0, 0), LongAgo, Duration.FromMinutes(60));

        Assert.Equal([DayStatus.CapReached, DayStatus.CapReached, DayStatus.Available], result.Days.Select(d => d.Status));
        Assert.All(result.Slots, s => Assert.Equal(new LocalDate(2026, 12, 14), s.InUtc().Date));
    }

    [Fact]
    public void DayStatuses_NoHoursAndFullyBooked()
    {
        var busy = new BusyInterval(new Interval(Instant.FromUtc(2026, 12, 7, 9, 0), Instant.FromUtc(2026, 12, 7, 10, 0)), Instant.FromUtc(2026, 12, 7, 9, 0), "o2");
        var query = Query("Europe/London", Weekly((IsoDayOfWeek.Monday, "09:00", "10:00")), Offering(60), busy: [busy]);

        var result = SlotCalculator.Compute(query, Instant.FromUtc(2026, 12, 7, 0, 0), Instant.FromUtc(2026, 12, 9, 0, 0), LongAgo, Duration.FromMinutes(60));

        Assert.Equal([DayStatus.FullyBooked, DayStatus.NoHours], result.Days.Select(d => d.Status));
    }

    internal static DateOverride Override(string id, LocalDate start, LocalDate end, OverrideKind kind, params DayWindow[] windows) => new()
    {
        Id = id,
        CoachId = "c1",
        StartDate = start,
        EndDate = end,
        Kind = kind,
        Windows = windows,
        Reason = string.Empty,
        CreateTime = LongAgo,
    };
}

public class WeeklyScheduleTests
{
    private static WeeklyWindow Monday(int start, int end) => new(IsoDayOfWeek.Monday, new DayWindow(start, end));

    [Fact]
    public void OverlappingWindowsOnOneDay_CannotBeMade_NorCopiedIn()
    {
        var schedule = new WeeklySchedule("c1", [Monday(540, 600), Monday(600, 660), new(IsoDayOfWeek.Tuesday, new DayWindow(540, 600))], null, 1);

        Assert.Throws<ArgumentException>(() => new WeeklySchedule("c1", [Monday(540, 600), Monday(570, 660)], null, 1));
        Assert.Throws<ArgumentException>(() => schedule with { Windows = [Monday(0, 1440), Monday(60, 120)] });
        Assert.Equal(3, schedule.Windows.Count);
    }
}
