using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// A coach's recurring weekly hours. Invariant: windows of one weekday never overlap. Version 0 means the
/// coach has never published hours (an empty schedule); every stored replacement increments it.
/// </summary>
public sealed record WeeklySchedule(string CoachId, IReadOnlyList<WeeklyWindow> Windows, Instant? UpdateTime, long Version)
{
    private readonly IReadOnlyList<WeeklyWindow> _windows = Checked(Windows);

    /// <summary>The windows; never more than <see cref="MaxWindows"/>, never two overlapping on one weekday.</summary>
    /// <exception cref="ArgumentException">When set to windows that break the invariant (callers' input goes through <see cref="Validate"/>).</exception>
    public IReadOnlyList<WeeklyWindow> Windows { get => _windows; init => _windows = Checked(value); }

    /// <summary>Most windows a schedule may hold.</summary>
    public const int MaxWindows = 100;

    /// <summary>The resource name.</summary>
    public string Name => ResourceNames.WeeklySchedule(CoachId);

    /// <summary>The etag.</summary>
    public string Etag => Etags.Of(Version);

    /// <summary>The schedule of a coach who has published nothing.</summary>
    public static WeeklySchedule Empty(string coachId) => new(coachId, [], null, 0);

    /// <summary>Windows of one weekday, ordered by start.</summary>
    public IEnumerable<DayWindow> On(IsoDayOfWeek day) =>
        Windows.Where(w => w.Day == day).Select(w => w.Window).OrderBy(w => w.StartMinute);

    /// <summary>Validates raw windows (weekday 1..7 = Monday..Sunday) and builds the replacement schedule.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT naming each bad window.</exception>
    public static IReadOnlyList<WeeklyWindow> Validate(IReadOnlyList<WindowInput> raw)
    {
        const string field = "weekly_schedule.windows";
        var v = new Violations();
        v.Require(raw.Count <= MaxWindows, field, $"at most {MaxWindows} windows");
        var parsed = new List<(int Index, WeeklyWindow Window)>();
        for (var i = 0; i < raw.Count; i++)
        {
            var (weekday, sh, sm, eh, em) = raw[i];
            if (weekday is < 1 or > 7)
            {
                v.Add($"{field}[{i}].weekday", "must be a day of the week (MONDAY..SUNDAY)");
                continue;
            }

            if (DayWindow.Parse(v, $"{field}[{i}]", sh, sm, eh, em) is { } window)
            {
                parsed.Add((i, new WeeklyWindow((IsoDayOfWeek)weekday, window)));
            }
        }

        foreach (var day in parsed.GroupBy(p => p.Window.Day))
        {
            DayWindow.RejectOverlaps(v, [.. day.Select(p => (p.Index, p.Window.Window))], field);
        }

        v.ThrowIfAny();
        return [.. parsed.Select(p => p.Window).OrderBy(w => w.Day).ThenBy(w => w.Window.StartMinute)];
    }

    private static IReadOnlyList<WeeklyWindow> Checked(IReadOnlyList<WeeklyWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count > MaxWindows)
        {
            throw new ArgumentException($"A schedule holds at most {MaxWindows} windows.", nameof(windows));
        }

        foreach (var day in windows.GroupBy(w => w.Day))
        {
            var sorted = day.Select(w => w.Window).OrderBy(w => w.StartMinute).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                if (sorted[i].Overlaps(sorted[i - 1]))
                {
                    throw new ArgumentException($"Windows {sorted[i - 1].StartMinute}..{sorted[i - 1].EndMinute} and {sorted[i].StartMinute}..{sorted[i].EndMinute} overlap on {day.Key}.", nameof(windows));
                }
            }
        }

        return windows;
    }
}
