using Coaching.Domain.Availability;
using CsCheck;
using NodaTime;
using static Coaching.Domain.Tests.Availability.SlotFixtures;

namespace Coaching.Domain.Tests.Availability;

/// <summary>Properties over random schedules, zones, offerings and ranges, checked against brute-force definitions.</summary>
public class SlotPropertyTests
{
    private static readonly string[] Zones =
    [
        "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Asia/Kolkata", "Australia/Sydney",
        "America/Sao_Paulo", "Asia/Tokyo", "Pacific/Chatham", "America/St_Johns", "UTC",
    ];

    private static readonly Gen<DayWindow> GenWindow =
        Gen.Select(Gen.Int[0, 95], Gen.Int[1, 32], (start, length) => new DayWindow(start * 15, Math.Min(1440, (start + length) * 15)));

    private static readonly Gen<WeeklySchedule> GenSchedule =
        Gen.Select(Gen.Int[1, 7], GenWindow, (day, w) => new WeeklyWindow((IsoDayOfWeek)day, w)).Array[0, 10]
            .Select(windows => new WeeklySchedule("c1", NonOverlapping(windows), null, 1));

    private sealed record Case(string ZoneId, WeeklySchedule Schedule, int DurationMinutes, int NoticeMinutes, int HorizonDays,
        Instant Start, int RangeHours, Instant Now);

    // Ranges anywhere in 2026-2027, which covers every kind of transition in these zones.
    private static readonly Gen<Case> GenCase = Gen.Select(
        Gen.Int[0, Zones.Length - 1].Select(i => Zones[i]), GenSchedule, Gen.Int[1, 24], Gen.Int[0, 3000], Gen.Int[3, 60],
        Gen.Int[0, 730 * 24], Gen.Int[1, 14 * 24], Gen.Int[-48, 48],
        (zone, schedule, fives, notice, horizon, startHour, rangeHours, nowShift) =>
        {
            var start = Instant.FromUtc(2026, 1, 1, 0, 0) + Duration.FromHours(startHour);
            return new Case(zone, schedule, fives * 5, notice, horizon, start, rangeHours, start + Duration.FromHours(nowShift));
        });

    private static SlotListing Run(Case c, out SlotQuery query)
    {
        query = Query(c.ZoneId, c.Schedule, Offering(c.DurationMinutes, noticeMinutes: c.NoticeMinutes, horizonDays: c.HorizonDays));
        var step = Duration.FromMinutes(c.DurationMinutes);
        return SlotCalculator.Compute(query, c.Start, c.Start + Duration.FromHours(c.RangeHours), c.Now, step);
    }

    [Fact]
    public void EverySlotMinute_IsInsideAPublishedWindowByTheWallClock()
    {
        GenCase.Sample(c =>
        {
            var result = Run(c, out var query);
            foreach (var slot in result.Slots)
            {
                for (var minute = slot; minute < slot + query.Offering.Duration; minute += Duration.FromMinutes(1))
                {
                    var local = minute.InZone(query.Zone);
                    var minuteOfDay = (local.Hour * 60) + local.Minute;
                    Assert.Contains(query.Schedule.On(local.DayOfWeek), w => w.StartMinute <= minuteOfDay && minuteOfDay < w.EndMinute);
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void SteppedByDuration_SlotsNeverOverlap_AndAreStrictlyOrdered()
    {
        GenCase.Sample(c =>
        {
            var result = Run(c, out var query);
            foreach (var (a, b) in result.Slots.Zip(result.Slots.Skip(1)))
            {
                Assert.True(b - a >= query.Offering.Duration, $"{a} and {b} overlap in {c.ZoneId}");
            }
        }, iter: 300);
    }

    [Fact]
    public void Slots_RespectNoticeHorizonAndRange()
    {
        GenCase.Sample(c =>
        {
            var result = Run(c, out var query);
            var end = c.Start + Duration.FromHours(c.RangeHours);
            Assert.All(result.Slots, s =>
            {
                Assert.True(s >= c.Now + query.Offering.MinimumNotice);
                Assert.True(s <= c.Now + query.Offering.BookingHorizon);
                Assert.True(s >= c.Start && s < end);
            });
        }, iter: 300);
    }

    [Fact]
    public void Slots_DoNotDependOnHowTheRangeIsSplit()
    {
        // Asking for a range in two halves yields the same slots as asking once: no edge effects at range boundaries.
        GenCase.Sample(c =>
        {
            var whole = Run(c, out var query);
            var middle = c.Start + Duration.FromHours(c.RangeHours / 2);
            var step = Duration.FromMinutes(c.DurationMinutes);
            var first = SlotCalculator.Compute(query, c.Start, middle == c.Start ? c.Start + Duration.FromMinutes(1) : middle, c.Now, step);
            var second = SlotCalculator.Compute(query, middle == c.Start ? c.Start + Duration.FromMinutes(1) : middle,
                c.Start + Duration.FromHours(c.RangeHours), c.Now, step);
            Assert.Equal(whole.Slots, first.Slots.Concat(second.Slots));
        }, iter: 200);
    }

    [Fact]
    public void FirstAndClassify_AgreeWithTheListing_UnderBusyTimeAndCaps()
    {
        // Busy time and caps on top of the random cases: the early-stopping search and the booking check must give the
        // listing's answers, start by start.
        var gen = Gen.Select(GenCase, Gen.Int[0, 6].Array[0, 8], Gen.Int[0, 3], Gen.Int[0, 5]);
        gen.Sample((c, busyHours, dailyCap, weeklyCap) =>
        {
            var busy = busyHours.Select((h, i) => c.Start + Duration.FromHours((i * 7) + h))
                .Select(b => new BusyInterval(new Interval(b, b + Duration.FromMinutes(50)), b, "o1")).ToList();
            var query = Query(c.ZoneId, c.Schedule, Offering(c.DurationMinutes, noticeMinutes: c.NoticeMinutes, horizonDays: c.HorizonDays,
                dailyCap: dailyCap, weeklyCap: weeklyCap), busy: busy);
            var step = SlotCalculator.DefaultStep(query.Offering);
            var end = c.Start + Duration.FromHours(c.RangeHours);
            var listed = SlotCalculator.Compute(query, c.Start, end, c.Now, step).Slots;

            foreach (var count in new[] { 1, 3, 20 })
            {
                Assert.Equal(listed.Take(count), SlotCalculator.First(query, c.Start, end, c.Now, step, count));
            }

            var open = listed.ToHashSet();
            for (var start = c.Start; start < end; start += Duration.FromMinutes(5))
            {
                Assert.Equal(open.Contains(start), SlotCalculator.Classify(query, start, c.Now, step) == SlotVerdict.Open);
            }
        }, iter: 150);
    }

    private static List<WeeklyWindow> NonOverlapping(WeeklyWindow[] windows)
    {
        var kept = new List<WeeklyWindow>();
        foreach (var w in windows)
        {
            if (!kept.Any(k => k.Day == w.Day && k.Window.Overlaps(w.Window)))
            {
                kept.Add(w);
            }
        }

        return kept;
    }
}
