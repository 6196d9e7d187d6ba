using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// A wall-clock window within one local day, minute precision: <c>[Start, End)</c> with
/// 0 ≤ start &lt; end ≤ 1440 minutes after local midnight (1440 = 24:00, the end of the day).
/// Windows never cross midnight; a coach who works 22:00–02:00 publishes 22:00–24:00 and 00:00–02:00 on
/// the next weekday, and the two join into one stretch when slots are computed.
/// </summary>
public readonly record struct DayWindow
{
    /// <summary>Minutes in a day; the largest end.</summary>
    public const int MinutesPerDay = 1440;

    /// <summary>Creates a window.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the bounds break the invariant.</exception>
    public DayWindow(int startMinute, int endMinute)
    {
        if (startMinute < 0 || endMinute > MinutesPerDay || startMinute >= endMinute)
        {
            throw new ArgumentOutOfRangeException(nameof(endMinute), $"Window {startMinute}..{endMinute} is not within one day.");
        }

        StartMinute = startMinute;
        EndMinute = endMinute;
    }

    /// <summary>Minutes after local midnight at which the window opens.</summary>
    public int StartMinute { get; }

    /// <summary>Minutes after local midnight at which the window closes (exclusive).</summary>
    public int EndMinute { get; }

    /// <summary>True when the two windows share any minute.</summary>
    public bool Overlaps(DayWindow other) => StartMinute < other.EndMinute && other.StartMinute < EndMinute;

    /// <summary>Local date-time of the start on <paramref name="date"/>.</summary>
    public LocalDateTime StartOn(LocalDate date) => date.AtMidnight().PlusMinutes(StartMinute);

    /// <summary>Local date-time of the end on <paramref name="date"/> (24:00 is the next midnight).</summary>
    public LocalDateTime EndOn(LocalDate date) => date.AtMidnight().PlusMinutes(EndMinute);

    /// <summary>Validates raw hours/minutes and builds a window, reporting problems under <paramref name="field"/>.</summary>
    public static DayWindow? Parse(Violations v, string field, int startHours, int startMinutes, int endHours, int endMinutes)
    {
        var ok = true;
        if (startHours is < 0 or > 23 || startMinutes is < 0 or > 59)
        {
            v.Add($"{field}.start_time", "must be a time of day 00:00..23:59");
            ok = false;
        }

        if (endHours is < 0 or > 24 || endMinutes is < 0 or > 59 || (endHours == 24 && endMinutes != 0))
        {
            v.Add($"{field}.end_time", "must be a time of day 00:01..24:00");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        var start = checked((startHours * 60) + startMinutes);
        var end = checked((endHours * 60) + endMinutes);
        if (end <= start)
        {
            v.Add(field, end == start
                ? "is empty: end_time must be after start_time"
                : "crosses midnight: end it at 24:00 and continue from 00:00 on the next day");
            return null;
        }

        return new DayWindow(start, end);
    }

    /// <summary>Reports every pair of overlapping windows in <paramref name="windows"/> (with their indexes).</summary>
    public static void RejectOverlaps(Violations v, IReadOnlyList<(int Index, DayWindow Window)> windows, string field)
    {
        var sorted = windows.OrderBy(w => w.Window.StartMinute).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Window.StartMinute < sorted[i - 1].Window.EndMinute)
            {
                v.Add($"{field}[{sorted[i].Index}]", $"overlaps {field}[{sorted[i - 1].Index}] on the same day");
            }
        }
    }
}
