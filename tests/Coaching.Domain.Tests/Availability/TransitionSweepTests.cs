using System.Collections.Concurrent;
using Coaching.Domain.Availability;
using NodaTime;
using NodaTime.TimeZones;
using Xunit.Abstractions;
using static Coaching.Domain.Tests.Availability.SlotFixtures;

namespace Coaching.Domain.Tests.Availability;

/// <summary>
/// Exhaustive check of the hours rule on every offset transition of every TZDB zone id (canonical ids and
/// aliases) in five years: windows whose ends fall before, at, inside and after each gap or overlap, sessions of
/// 5, 10, 30 and 60 minutes. The oracle knows nothing of the calculator: it walks every minute, reads the
/// coach's clock, and asks whether that reading lies inside a window published for the reading's date.
/// </summary>
public class TransitionSweepTests(ITestOutputHelper output)
{
    private static readonly Instant SpanStart = Instant.FromUtc(2026, 1, 1, 0, 0);
    private static readonly Instant SpanEnd = Instant.FromUtc(2031, 1, 1, 0, 0);
    private static readonly int[] Durations = [5, 10, 30, 60];

    /// <summary>Wall-clock points around a transition, in minutes relative to the lower and upper reading.</summary>
    private static readonly (bool FromHigh, int Minutes)[] PointOffsets =
        [(false, -90), (false, -30), (false, 0), (false, 5), (true, -5), (true, 0), (true, 30), (true, 90)];

    [Fact]
    public void EveryTransitionOfEveryZone_SlotsAndDayStatusesMatchTheClockReadingOracle()
    {
        var failures = new ConcurrentQueue<string>();
        long transitions = 0, windows = 0, computations = 0, slots = 0, minutes = 0;
        var ids = DateTimeZoneProviders.Tzdb.Ids;
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Parallel.ForEach(ids, id =>
        {
            var zone = DateTimeZoneProviders.Tzdb[id];
            foreach (var (instant, before, after) in Transitions(zone))
            {
                Interlocked.Increment(ref transitions);
                var sweep = new Sweep(zone, instant, before, after);
                foreach (var shape in sweep.WindowShapes())
                {
                    Interlocked.Increment(ref windows);
                    var inHours = sweep.InHours(shape);
                    Interlocked.Add(ref minutes, inHours.Length);
                    foreach (var duration in Durations)
                    {
                        Interlocked.Increment(ref computations);
                        var expected = sweep.OracleSlots(inHours, duration);
                        var (actual, days) = sweep.Compute(shape, duration);
                        Interlocked.Add(ref slots, expected.Count);
                        if (!expected.SequenceEqual(actual))
                        {
                            failures.Enqueue($"{id} {instant} {shape.Describe()} {duration}m: expected [{string.Join(", ", expected)}] got [{string.Join(", ", actual)}]");
                            continue;
                        }

                        var expectedDays = sweep.OracleDays(expected);
                        if (!expectedDays.SequenceEqual(days))
                        {
                            failures.Enqueue($"{id} {instant} {shape.Describe()} {duration}m: days expected [{string.Join(", ", expectedDays)}] got [{string.Join(", ", days)}]");
                        }
                    }
                }
            }
        });

        output.WriteLine($"{ids.Count} zone ids, {transitions} transitions, {windows} windows, {computations} computations, " +
            $"{slots} slots, {minutes} clock readings, {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(transitions > 1000, $"only {transitions} transitions found; the sweep is not exhaustive");
        Assert.True(failures.IsEmpty, $"{failures.Count} mismatches, first ones:\n{string.Join("\n", failures.Take(15))}");
    }

    [Fact]
    public void EveryTransitionOfEveryCanonicalZone_BookingVerdictAgreesWithTheOracleAroundTheShift()
    {
        // Booking validation (Classify) must use the same rule as the listing: check every 5-minute start
        // within two hours of each canonical zone's transitions, for a window spanning it and one inside it.
        var failures = new ConcurrentQueue<string>();
        long checks = 0;
        var canonical = TzdbDateTimeZoneSource.Default.CanonicalIdMap.Values.Distinct(StringComparer.Ordinal).ToList();
        Parallel.ForEach(canonical, id =>
        {
            var zone = DateTimeZoneProviders.Tzdb[id];
            foreach (var (instant, before, after) in Transitions(zone))
            {
                var sweep = new Sweep(zone, instant, before, after);
                foreach (var shape in sweep.WindowShapes().Where(s => s.IsAroundOrInsideShift))
                {
                    var inHours = sweep.InHours(shape);
                    var open = sweep.OracleSlots(inHours, 30).ToHashSet();
                    for (var start = instant - Duration.FromHours(2); start <= instant + Duration.FromHours(2); start += Duration.FromMinutes(5))
                    {
                        Interlocked.Increment(ref checks);
                        var verdict = SlotCalculator.Classify(sweep.Query(shape, 30), start, sweep.Now, Duration.FromMinutes(15));
                        if ((verdict == SlotVerdict.Open) != open.Contains(start))
                        {
                            failures.Enqueue($"{id} {instant} {shape.Describe()} start {start}: verdict {verdict}, oracle open={open.Contains(start)}");
                        }
                    }
                }
            }
        });

        output.WriteLine($"{canonical.Count} canonical zones, {checks} booking verdicts");
        Assert.True(failures.IsEmpty, $"{failures.Count} mismatches, first ones:\n{string.Join("\n", failures.Take(15))}");
    }

    /// <summary>Every change of wall offset in the span, with the offsets before and after.</summary>
    private static IEnumerable<(Instant At, Offset Before, Offset After)> Transitions(DateTimeZone zone)
    {
        ZoneInterval? previous = null;
        foreach (var interval in zone.GetZoneIntervals(SpanStart, SpanEnd))
        {
            if (previous is not null && previous.WallOffset != interval.WallOffset)
            {
                yield return (interval.Start, previous.WallOffset, interval.WallOffset);
            }

            previous = interval;
        }
    }

    /// <summary>A published window as wall-clock readings, split per local date when it crosses midnight.</summary>
    private sealed record Shape(LocalDateTime Start, LocalDateTime End, bool IsAroundOrInsideShift)
    {
        public IEnumerable<(LocalDate Date, int StartMinute, int EndMinute)> PerDate()
        {
            for (var date = Start.Date; date.AtMidnight() < End; date = date.PlusDays(1))
            {
                var from = date == Start.Date ? MinuteOfDay(Start) : 0;
                var to = date == End.Date ? MinuteOfDay(End) : 1440;
                if (to > from)
                {
                    yield return (date, from, to);
                }
            }
        }

        public string Describe() => $"window {Start:yyyy-MM-dd HH:mm}..{End:yyyy-MM-dd HH:mm}";
    }

    private static int MinuteOfDay(LocalDateTime t) => (t.Hour * 60) + t.Minute;

    private sealed class Sweep
    {
        private readonly DateTimeZone zone;
        private readonly LocalDateTime low;
        private readonly LocalDateTime high;
        private readonly Instant walkStart;
        private readonly LocalDateTime[] readings;

        public Sweep(DateTimeZone zone, Instant at, Offset before, Offset after)
        {
            this.zone = zone;
            var a = at.WithOffset(before).LocalDateTime;
            var b = at.WithOffset(after).LocalDateTime;
            (low, high) = a < b ? (a, b) : (b, a);
            Assert.True(a.Second == 0 && b.Second == 0, $"{zone.Id} {at}: a transition off the minute would need a finer oracle");

            // The range is whole local days around the shift, so every start the oracle finds on those dates is listed.
            var firstDate = low.Date.PlusDays(-1);
            var lastDate = high.Date.PlusDays(1);
            From = zone.AtStartOfDay(firstDate).ToInstant();
            To = zone.AtStartOfDay(lastDate.PlusDays(1)).ToInstant();
            Now = From - Duration.FromDays(1);

            // Walk a day beyond the range either way: the calculator joins windows across the range edges.
            walkStart = From - Duration.FromDays(1);
            var count = (int)((To - From + Duration.FromDays(2)).TotalMinutes);
            readings = new LocalDateTime[count];
            for (var i = 0; i < count; i++)
            {
                readings[i] = (walkStart + Duration.FromMinutes(i)).InZone(zone).LocalDateTime;
            }
        }

        public Instant From { get; }

        public Instant To { get; }

        public Instant Now { get; }

        public IEnumerable<Shape> WindowShapes()
        {
            var points = PointOffsets
                .Select(p => (p.FromHigh ? high : low).PlusMinutes(p.Minutes))
                .Where(p => p >= low.PlusMinutes(-90) && p <= high.PlusMinutes(90))
                .Distinct()
                .Order()
                .ToList();
            for (var i = 0; i < points.Count; i++)
            {
                for (var j = i + 1; j < points.Count; j++)
                {
                    var around = points[i] <= low && points[j] >= high;
                    var inside = points[i] >= low && points[j] <= high;
                    yield return new Shape(points[i], points[j], around || inside);
                }
            }
        }

        public SlotQuery Query(Shape shape, int durationMinutes)
        {
            var windows = shape.PerDate()
                .Select(d => new WeeklyWindow(d.Date.DayOfWeek, new DayWindow(d.StartMinute, d.EndMinute)))
                .ToList();
            var schedule = new WeeklySchedule("c1", windows, null, 1);
            return new SlotQuery(zone, schedule, [], Offering(durationMinutes, horizonDays: 10), []);
        }

        public (List<Instant> Slots, List<(LocalDate, DayStatus)> Days) Compute(Shape shape, int durationMinutes)
        {
            var query = Query(shape, durationMinutes);
            var result = SlotCalculator.Compute(query, From, To, Now, SlotCalculator.DefaultStep(query.Offering));
            return ([.. result.Slots], [.. result.Days]);
        }

        /// <summary>Per walked minute: does the clock read inside a window published for the reading's own date?</summary>
        public bool[] InHours(Shape shape)
        {
            // The schedule is weekly, so a window applies to every date with its weekday.
            var byWeekday = shape.PerDate().ToLookup(d => d.Date.DayOfWeek);
            var inHours = new bool[readings.Length];
            for (var i = 0; i < readings.Length; i++)
            {
                var reading = readings[i];
                var minute = MinuteOfDay(reading);
                inHours[i] = byWeekday[reading.DayOfWeek].Any(w => w.StartMinute <= minute && minute < w.EndMinute);
            }

            return inHours;
        }

        /// <summary>Starts on the grid whose every session minute reads inside the hours, never one step after another.</summary>
        public List<Instant> OracleSlots(bool[] inHours, int durationMinutes)
        {
            var step = Math.Min(15, durationMinutes);
            var found = new List<Instant>();
            var run = 0;
            var runLength = new int[inHours.Length + 1];
            for (var i = inHours.Length - 1; i >= 0; i--)
            {
                run = inHours[i] ? run + 1 : 0;
                runLength[i] = run;
            }

            int? previous = null;
            for (var i = 0; i < inHours.Length; i++)
            {
                if (MinuteOfDay(readings[i]) % step != 0 || runLength[i] < durationMinutes)
                {
                    continue;
                }

                if (previous is { } p && i - p < step)
                {
                    continue;
                }

                previous = i;
                var start = walkStart + Duration.FromMinutes(i);
                if (start >= From && start < To)
                {
                    found.Add(start);
                }
            }

            return found;
        }

        /// <summary>Available where a slot starts on the date, otherwise no hours (nothing is booked or capped).</summary>
        public List<(LocalDate, DayStatus)> OracleDays(List<Instant> slots)
        {
            var withSlots = slots.Select(s => s.InZone(zone).Date).ToHashSet();
            var days = new List<(LocalDate, DayStatus)>();
            for (var date = From.InZone(zone).Date; date <= (To - Duration.Epsilon).InZone(zone).Date; date = date.PlusDays(1))
            {
                days.Add((date, withSlots.Contains(date) ? DayStatus.Available : DayStatus.NoHours));
            }

            return days;
        }
    }
}
