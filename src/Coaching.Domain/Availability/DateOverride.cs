using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// An exception to the weekly schedule for the local dates <c>[StartDate, EndDate]</c> (inclusive, coach's
/// zone, at most 366 days). Where overrides cover the same date, the most recently created one wins.
/// Invariants: ReplaceHours has 1..20 non-overlapping windows; Unavailable has none.
/// </summary>
public sealed record DateOverride
{
    /// <summary>Longest span of one override, in days.</summary>
    public const int MaxDays = 366;

    /// <summary>Identifier (a ULID: later-created overrides sort later, and the latest created wins).</summary>
    public required string Id { get; init; }

    /// <summary>The coach whose hours it changes.</summary>
    public required string CoachId { get; init; }

    /// <summary>First local date covered (coach's zone).</summary>
    public required LocalDate StartDate { get; init; }

    /// <summary>Last local date covered, inclusive.</summary>
    public required LocalDate EndDate { get; init; }

    /// <summary>Time off, or other hours.</summary>
    public required OverrideKind Kind { get; init; }

    /// <summary>The hours on each covered date (ReplaceHours only).</summary>
    public required IReadOnlyList<DayWindow> Windows { get; init; }

    /// <summary>Why, for the coach and admins only.</summary>
    public required string Reason { get; init; }

    /// <summary>When it was created.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary>The resource name.</summary>
    public string Name => ResourceNames.DateOverride(CoachId, Id);

    /// <summary>True when <paramref name="date"/> is covered.</summary>
    public bool Covers(LocalDate date) => date >= StartDate && date <= EndDate;

    /// <summary>Validates a requested override.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT naming each bad field.</exception>
    public static DateOverride Create(string id, string coachId, OverrideDraft draft, Instant now)
    {
        const string p = "date_override";
        var v = new Violations();
        var start = ParseDate(v, $"{p}.start_date", draft.StartDate, required: true);
        var end = ParseDate(v, $"{p}.end_date", draft.EndDate, required: false) ?? start;
        if (start is { } s && end is { } e)
        {
            v.Require(e >= s, $"{p}.end_date", "must not be before start_date");
            v.Require(Period.Between(s, e, PeriodUnits.Days).Days < MaxDays, $"{p}.end_date", $"an override spans at most {MaxDays} days");
        }

        var windows = new List<(int Index, DayWindow Window)>();
        for (var i = 0; i < draft.Windows.Count; i++)
        {
            var (sh, sm, eh, em) = draft.Windows[i];
            if (DayWindow.Parse(v, $"{p}.windows[{i}]", sh, sm, eh, em) is { } w)
            {
                windows.Add((i, w));
            }
        }

        switch (draft.Kind)
        {
            case OverrideKind.Unavailable:
                v.Require(draft.Windows.Count == 0, $"{p}.windows", "must be empty for an UNAVAILABLE override");
                break;
            case OverrideKind.ReplaceHours:
                v.Require(draft.Windows.Count is >= 1 and <= 20, $"{p}.windows", "a REPLACE_HOURS override needs 1..20 windows");
                DayWindow.RejectOverlaps(v, windows, $"{p}.windows");
                break;
            default:
                v.Add($"{p}.kind", "must be UNAVAILABLE or REPLACE_HOURS");
                break;
        }

        v.FreeText(draft.Reason, $"{p}.reason", 500);
        v.ThrowIfAny();
        return new DateOverride
        {
            Id = id,
            CoachId = coachId,
            StartDate = start!.Value,
            EndDate = end!.Value,
            Kind = draft.Kind,
            Windows = [.. windows.Select(w => w.Window).OrderBy(w => w.StartMinute)],
            Reason = draft.Reason ?? string.Empty,
            CreateTime = now,
        };
    }

    private static LocalDate? ParseDate(Violations v, string field, (int Year, int Month, int Day)? raw, bool required)
    {
        if (raw is not { } d || (d.Year == 0 && d.Month == 0 && d.Day == 0))
        {
            if (required)
            {
                v.Add(field, "is required");
            }

            return null;
        }

        if (d.Year is < 1 or > 9999 || d.Month is < 1 or > 12 || d.Day < 1 || d.Day > CalendarSystem.Iso.GetDaysInMonth(d.Year, d.Month))
        {
            v.Add(field, "is not a valid calendar date");
            return null;
        }

        return new LocalDate(d.Year, d.Month, d.Day);
    }
}
