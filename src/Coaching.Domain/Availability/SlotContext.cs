using Coaching.Domain.Coaches;

namespace Coaching.Domain.Availability;

/// <summary>The hours, overrides and committed time of some coaches around a range: what the slot rules read.</summary>
public sealed class SlotContext(
    IReadOnlyDictionary<string, WeeklySchedule> schedules,
    ILookup<string, DateOverride> overrides,
    ILookup<string, BusyInterval> busy)
{
    /// <summary>The slot query of one offering of one of the coaches.</summary>
    public SlotQuery QueryFor(Coach coach, Offering offering) => new(
        coach.TimeZone,
        schedules.GetValueOrDefault(coach.Id) ?? WeeklySchedule.Empty(coach.Id),
        [.. overrides[coach.Id]],
        offering,
        [.. busy[coach.Id]]);
}
