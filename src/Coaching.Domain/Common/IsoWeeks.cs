using NodaTime;
using NodaTime.Calendars;

namespace Coaching.Domain.Common;

/// <summary>ISO 8601 weeks (Monday first), the unit of weekly caps.</summary>
public static class IsoWeeks
{
    /// <summary>The ISO week-year and week of <paramref name="date"/>.</summary>
    public static (int Year, int Week) Of(LocalDate date) => (WeekYearRules.Iso.GetWeekYear(date), WeekYearRules.Iso.GetWeekOfWeekYear(date));
}
