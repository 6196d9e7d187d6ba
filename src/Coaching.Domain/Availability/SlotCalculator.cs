using Coaching.Domain.Common;
using Coaching.Domain.Coaches;
using NodaTime;
using NodaTime.TimeZones;

namespace Coaching.Domain.Availability;

/// <summary>
/// Computes open slots. Hours are expanded per local date with the zone's rules (never by adding 24 h): a
/// window on a date is the set of instants whose coach-local clock reading lies inside it, found per zone
/// interval (constant offset), so a spring-forward gap contributes nothing and a fall-back overlap contributes
/// both passes, possibly as two disjoint stretches. Touching pieces join (also across midnight), because every
/// instant of the joined stretch still reads inside the hours. Candidate starts are instants whose coach-local
/// time lies on the step grid counted from local midnight and whose whole session lies in one stretch; a
/// candidate less than one step after the previous one is dropped, so slots never repeat. A slot is open when
/// it starts at or after now + notice and at or before now + horizon, lies in the requested range, its
/// buffered interval overlaps no busy interval, and neither cap of the offering is reached on its local day
/// or ISO week. A date has hours when at least one session of the offering fits in them. Sort once, sweep:
/// O(n log n).
/// </summary>
public static class SlotCalculator
{
    // 10,000 instants are 80,000 bytes in an InstantList: the most it holds in one array below the large-object heap's threshold.
    private const int MaxPresized = 10_000;

    /// <summary>Room for the instants a step apart in <paramref name="span"/>, up to <see cref="MaxPresized"/>.</summary>
    private static int PresizedFor(Duration span, Duration step) =>
        step > Duration.Zero ? (int)Math.Clamp((span.TotalSeconds / step.TotalSeconds) + 1, 0, MaxPresized) : MaxPresized;

    /// <summary>The alignment of slot starts: 15 minutes, or the session length when shorter.</summary>
    public static Duration DefaultStep(Offering offering) =>
        offering.Duration < Duration.FromMinutes(15) ? offering.Duration : Duration.FromMinutes(15);

    /// <summary>Open slots of <paramref name="query"/> starting in <c>[from, to)</c>, with a status per coach-local date.</summary>
    public static SlotListing Compute(SlotQuery query, Instant from, Instant to, Instant now, Duration step)
    {
        var plan = new Plan(query, from, to, now, step);
        var zone = query.Zone;
        // Slots are at least a step apart; sized up front, the list never outgrows itself by doubling into an array on the
        // large-object heap (85,000 bytes and up, collected only with generation 2), which listings of weeks did.
        var slots = new InstantList(PresizedFor(to - from, step));
        var capped = new HashSet<LocalDate>();
        var hasHours = new HashSet<LocalDate>();
        var withSlots = new HashSet<LocalDate>();
        // Candidates ascend, so a date's entries are added once, when it first comes up, rather than once per slot.
        LocalDate? lastDate = null, lastWithSlots = null;
        foreach (var candidate in plan.Candidates())
        {
            var localDate = candidate.InZone(zone).Date;
            if (localDate != lastDate)
            {
                hasHours.Add(localDate);
                lastDate = localDate;
            }

            if (candidate < from || candidate >= to)
            {
                continue;
            }

            switch (plan.Judge(candidate, localDate))
            {
                case SlotVerdict.Open:
                    slots.Add(candidate);
                    if (localDate != lastWithSlots)
                    {
                        withSlots.Add(localDate);
                        lastWithSlots = localDate;
                    }

                    break;
                case SlotVerdict.LimitReached:
                    capped.Add(localDate);
                    break;
            }
        }

        var days = new List<(LocalDate, DayStatus)>();
        for (var date = plan.FirstDate; date <= plan.LastDate; date = date.PlusDays(1))
        {
            var status = withSlots.Contains(date) ? DayStatus.Available
                : !hasHours.Contains(date) ? DayStatus.NoHours
                : capped.Contains(date) || plan.CapReached(date) ? DayStatus.CapReached
                : DayStatus.FullyBooked;
            days.Add((date, status));
        }

        return new SlotListing(slots, days);
    }

    /// <summary>
    /// The first <paramref name="count"/> open slots of <paramref name="query"/> starting in <c>[from, to)</c> (the same slots
    /// <see cref="Compute"/> lists first), found without looking further and without day statuses.
    /// </summary>
    public static IReadOnlyList<Instant> First(SlotQuery query, Instant from, Instant to, Instant now, Duration step, int count)
    {
        var plan = new Plan(query, from, to, now, step);
        var slots = new List<Instant>(count);
        foreach (var candidate in plan.Candidates())
        {
            if (slots.Count == count || candidate >= to)
            {
                break;
            }

            if (candidate >= from && plan.Judge(candidate) == SlotVerdict.Open)
            {
                slots.Add(candidate);
            }
        }

        return slots;
    }

    /// <summary>
    /// Why <paramref name="start"/> is or is not an open slot of <paramref name="query"/> at <paramref name="now"/>: the same
    /// rules as <see cref="Compute"/> (one per-candidate check serves both), in the order notice, horizon, busy time, caps,
    /// after the start is found among the candidates of the hours around it.
    /// </summary>
    public static SlotVerdict Classify(SlotQuery query, Instant start, Instant now, Duration step)
    {
        var plan = new Plan(query, start, start + Duration.FromMinutes(1), now, step);
        return plan.Candidates().Contains(start) ? plan.Judge(start) : SlotVerdict.OutsideAvailability;
    }

    /// <summary>
    /// Everything the rules need for one offering around one range: the hours as instant stretches, the merged busy time, the
    /// sessions counted per day and ISO week for caps, and the notice and horizon bounds.
    /// </summary>
    private sealed class Plan
    {
        private readonly SlotQuery _query;
        private readonly Duration _step;
        private readonly List<(Instant Start, Instant End)> _stretches;
        private readonly List<(Instant Start, Instant End)> _busy;
        private readonly Dictionary<LocalDate, int> _days;
        private readonly Dictionary<(int Year, int Week), int> _weeks;
        private readonly Instant _earliest;
        private readonly Instant _latest;
        private int _hint;
        private Instant? _lastQuery;

        public Plan(SlotQuery query, Instant from, Instant to, Instant now, Duration step)
        {
            _query = query;
            _step = step;
            var zone = query.Zone;
            FirstDate = from.InZone(zone).Date;
            LastDate = (to - Duration.Epsilon).InZone(zone).Date;

            // Expand hours per local date, one day either side so stretches across the range edges stay whole.
            var offsets = ZoneIntervalsAround(zone, FirstDate.PlusDays(-1), LastDate.PlusDays(2));
            var hours = new List<(Instant Start, Instant End)>();
            for (var date = FirstDate.PlusDays(-1); date <= LastDate.PlusDays(1); date = date.PlusDays(1))
            {
                foreach (var window in WindowsOn(query, date))
                {
                    AddReadingsBetween(hours, offsets, window.StartOn(date), window.EndOn(date));
                }
            }

            _stretches = Merge(hours);
            _busy = Merge([.. query.Busy.Select(b => (b.Block.Start, b.Block.End))]);
            (_days, _weeks) = CountSessions(query, zone);
            _earliest = now + query.Offering.MinimumNotice;
            _latest = now + query.Offering.BookingHorizon;
        }

        public LocalDate FirstDate { get; }

        public LocalDate LastDate { get; }

        /// <summary>Grid starts whose session lies inside one stretch, ascending; one less than a step after the last is dropped.</summary>
        public IEnumerable<Instant> Candidates()
        {
            Instant? previous = null;
            foreach (var candidate in SlotCalculator.Candidates(_stretches, _query.Zone, _query.Offering.Duration, _step))
            {
                if (previous is { } p && candidate - p < _step)
                {
                    continue;
                }

                previous = candidate;
                yield return candidate;
            }
        }

        /// <summary>The rules after the hours, for a candidate start: notice, horizon, busy time (buffers included), caps.</summary>
        public SlotVerdict Judge(Instant start, LocalDate? localDate = null)
        {
            var offering = _query.Offering;
            if (start < _earliest)
            {
                return SlotVerdict.NoticeTooShort;
            }

            if (start > _latest)
            {
                return SlotVerdict.BeyondHorizon;
            }

            // Busy intervals are merged and sorted: only the first one ending after the block starts can overlap it.
            var blockStart = start - offering.BufferBefore;
            var blockEnd = start + offering.Duration + offering.BufferAfter;
            var first = FirstEndingAfter(blockStart);
            if (first < _busy.Count && _busy[first].Start < blockEnd)
            {
                return SlotVerdict.Taken;
            }

            return CapReached(localDate ?? start.InZone(_query.Zone).Date) ? SlotVerdict.LimitReached : SlotVerdict.Open;
        }

        /// <summary>True when a new session of the offering on <paramref name="date"/> would exceed a cap.</summary>
        public bool CapReached(LocalDate date) => SlotCalculator.CapReached(_query.Offering, date, _days, _weeks);

        // Candidates are judged in ascending order when listing, so the answer only moves forward: walk on from the last one
        // (amortised O(1) per candidate); a start out of order (a single booking check) falls back to a binary search.
        private int FirstEndingAfter(Instant instant)
        {
            if (_lastQuery is not { } last || instant < last)
            {
                _hint = BinarySearch(instant);
            }
            else
            {
                while (_hint < _busy.Count && _busy[_hint].End <= instant)
                {
                    _hint++;
                }
            }

            _lastQuery = instant;
            return _hint;
        }

        private int BinarySearch(Instant instant)
        {
            int low = 0, high = _busy.Count;
            while (low < high)
            {
                var mid = low + ((high - low) / 2);
                if (_busy[mid].End <= instant)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            return low;
        }
    }

    /// <summary>The windows in force on <paramref name="date"/>: the latest override covering it, else the weekly hours.</summary>
    public static IEnumerable<DayWindow> WindowsOn(SlotQuery query, LocalDate date)
    {
        DateOverride? winner = null;
        foreach (var candidate in query.Overrides)
        {
            if (candidate.Covers(date) && (winner is null || string.CompareOrdinal(candidate.Id, winner.Id) > 0))
            {
                winner = candidate;
            }
        }

        return winner is null ? query.Schedule.On(date.DayOfWeek) : winner.Windows;
    }

    /// <summary>The zone intervals (constant offsets) covering the local dates <c>[first, last)</c> with a day to spare.</summary>
    private static List<ZoneInterval> ZoneIntervalsAround(DateTimeZone zone, LocalDate first, LocalDate last)
    {
        var start = first.AtMidnight().InUtc().ToInstant() - Duration.FromDays(1);
        var end = last.AtMidnight().InUtc().ToInstant() + Duration.FromDays(1);
        return [.. zone.GetZoneIntervals(start, end)];
    }

    /// <summary>
    /// Adds the instants whose clock reading lies in <c>[localStart, localEnd)</c>: within each zone interval the
    /// offset is fixed, so the reading range maps to one instant range there, clipped to the interval.
    /// </summary>
    private static void AddReadingsBetween(List<(Instant Start, Instant End)> into, List<ZoneInterval> zoneIntervals,
        LocalDateTime localStart, LocalDateTime localEnd)
    {
        var readingStart = localStart.InUtc().ToInstant();
        var readingEnd = localEnd.InUtc().ToInstant();
        foreach (var interval in zoneIntervals)
        {
            var offset = interval.WallOffset.ToTimeSpan();
            var start = readingStart - Duration.FromTimeSpan(offset);
            var end = readingEnd - Duration.FromTimeSpan(offset);
            if (interval.HasStart && interval.Start > start)
            {
                start = interval.Start;
            }

            if (interval.HasEnd && interval.End < end)
            {
                end = interval.End;
            }

            if (end > start)
            {
                into.Add((start, end));
            }
        }
    }

    private static IEnumerable<Instant> Candidates(List<(Instant Start, Instant End)> stretches, DateTimeZone zone, Duration duration, Duration step)
    {
        var found = new InstantList();
        foreach (var stretch in stretches)
        {
            found.Clear();
            // Room for the stretch's grid (an overlap adds an hour's worth at most) so the list does not double its way onto
            // the large-object heap; a stretch of months would.
            found.EnsureCapacity(PresizedFor(stretch.End - stretch.Start + Duration.FromHours(2), step));
            GridStarts(stretch, zone, duration, step, found);
            for (var i = 0; i < found.Count; i++)
            {
                yield return found[i];
            }
        }
    }

    /// <summary>
    /// The starts of one stretch, ascending: its coach-local step grid (counted from each local midnight) mapped to instants,
    /// 0 of them in a gap, 2 in an overlap, kept when the whole session lies in the stretch.
    /// With <c>exact</c> every grid point is mapped through the zone's rules; without it (the default), by the known offset where
    /// that cannot differ: at least <see cref="SafeMargin"/> inside a zone interval, where a local time has exactly one reading.
    /// Tests compare the two.
    /// </summary>
    internal static void GridStarts((Instant Start, Instant End) stretch, DateTimeZone zone, Duration duration, Duration step, InstantList found,
        bool exact = false)
    {
        var (start, end) = stretch;
        var stepMinutes = (long)step.TotalMinutes;
        var local = start.InZone(zone).LocalDateTime;
        var minuteOfDay = (local.Hour * 60L) + local.Minute;
        var offset = ((stepMinutes - (minuteOfDay % stepMinutes)) % stepMinutes);
        if (offset == 0 && (local.Second != 0 || local.NanosecondOfSecond != 0))
        {
            offset = stepMinutes;
        }

        var cursor = local.With(TimeAdjusters.TruncateToMinute).PlusMinutes(offset);
        ZoneInterval? known = null; // the interval of the last grid point that had exactly one reading
        var sorted = true;
        while (true)
        {
            if (!exact && known is not null && Inside(known, new OffsetDateTime(cursor, known.WallOffset).ToInstant()) is { } single)
            {
                if (single > end)
                {
                    break;
                }

                Keep(single);
            }
            else
            {
                var mapping = zone.MapLocal(cursor);
                if (mapping.Count > 0 && mapping.First().ToInstant() > end)
                {
                    break;
                }

                known = mapping.Count == 1 ? mapping.EarlyInterval : null;
                for (var i = 0; i < mapping.Count; i++)
                {
                    Keep(i == 0 ? mapping.First().ToInstant() : mapping.Last().ToInstant());
                }
            }

            var next = cursor.PlusMinutes(stepMinutes);
            if (next.Date != cursor.Date)
            {
                // Realign to the next local midnight so the grid always counts from midnight.
                next = next.Date.AtMidnight();
            }

            cursor = next;
        }

        if (!sorted)
        {
            found.Sort(); // an overlap's later readings come before the next grid point's earlier one
        }

        void Keep(Instant instant)
        {
            if (instant >= start && instant + duration <= end)
            {
                sorted &= found.Count == 0 || found[^1] < instant;
                found.Add(instant);
            }
        }
    }

    /// <summary>
    /// How far inside a zone interval a reading must be for its local time to have no other reading: more than the largest
    /// difference between two UTC offsets (36 hours, offsets being within ±18 hours).
    /// </summary>
    private static readonly Duration SafeMargin = Duration.FromHours(48);

    private static Instant? Inside(ZoneInterval interval, Instant instant) =>
        (!interval.HasStart || instant >= interval.Start + SafeMargin) && (!interval.HasEnd || instant < interval.End - SafeMargin) ? instant : null;

    private static List<(Instant Start, Instant End)> Merge(List<(Instant Start, Instant End)> intervals)
    {
        intervals.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<(Instant Start, Instant End)>();
        foreach (var interval in intervals)
        {
            if (merged.Count > 0 && interval.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, interval.End > merged[^1].End ? interval.End : merged[^1].End);
            }
            else
            {
                merged.Add(interval);
            }
        }

        return merged;
    }

    private static (Dictionary<LocalDate, int> Days, Dictionary<(int Year, int Week), int> Weeks) CountSessions(SlotQuery query, DateTimeZone zone)
    {
        var days = new Dictionary<LocalDate, int>();
        var weeks = new Dictionary<(int, int), int>();
        foreach (var busy in query.Busy.Where(b => b.OfferingId == query.Offering.Id))
        {
            var date = busy.SessionStart.InZone(zone).Date;
            days[date] = days.GetValueOrDefault(date) + 1;
            var week = IsoWeeks.Of(date);
            weeks[week] = weeks.GetValueOrDefault(week) + 1;
        }

        return (days, weeks);
    }

    /// <summary>True when a new session of <paramref name="offering"/> on <paramref name="date"/> would exceed a cap.</summary>
    private static bool CapReached(Offering offering, LocalDate date, Dictionary<LocalDate, int> days, Dictionary<(int, int), int> weeks) =>
        (offering.DailyCap > 0 && days.GetValueOrDefault(date) >= offering.DailyCap)
        || (offering.WeeklyCap > 0 && weeks.GetValueOrDefault(IsoWeeks.Of(date)) >= offering.WeeklyCap);


    /// <summary>The Monday..next-Monday local span of the ISO weeks around <c>[from, to)</c>, as instants (for loading cap counts).</summary>
    public static (Instant From, Instant To) CapWindow(DateTimeZone zone, Instant from, Instant to)
    {
        var first = from.InZone(zone).Date.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday));
        var last = (to - Duration.Epsilon).InZone(zone).Date.With(DateAdjusters.Next(IsoDayOfWeek.Monday));
        return (zone.AtStartOfDay(first).ToInstant(), zone.AtStartOfDay(last).ToInstant());
    }

}
