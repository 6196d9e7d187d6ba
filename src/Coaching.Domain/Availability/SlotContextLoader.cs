using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// Reads a <see cref="SlotContext"/>: schedules, overrides and committed time of the given coaches, three queries in parallel
/// (one round trip of latency). Listing, searching and booking all load through here, so they judge a start on the same data.
/// </summary>
public sealed class SlotContextLoader(IAvailabilityStore store, IBusyTimeReader busyTime)
{
    // No zone is more than 18 hours from UTC, so these margins cover every coach-local date a range touches, whatever the zone.
    private static readonly Duration ZoneMargin = Duration.FromHours(18);

    /// <summary>Everything the slot rules need for starts in <c>[start, end)</c>, for coaches in any zone.</summary>
    /// <remarks>
    /// Overrides cover the local dates a day either side of the range (hours are joined across midnight); committed time covers
    /// the whole ISO weeks of those dates, because weekly caps count the whole week.
    /// </remarks>
    public async Task<SlotContext> LoadAsync(IReadOnlyCollection<string> coachIds, Instant start, Instant end, CancellationToken ct)
    {
        var firstDate = (start - ZoneMargin).InUtc().Date.PlusDays(-1);
        var lastDate = (end + ZoneMargin).InUtc().Date.PlusDays(1);
        var weeksFrom = firstDate.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday)).AtMidnight().InUtc().ToInstant() - ZoneMargin;
        var weeksTo = lastDate.With(DateAdjusters.Next(IsoDayOfWeek.Monday)).AtMidnight().InUtc().ToInstant() + ZoneMargin;

        var schedules = store.GetSchedulesAsync(coachIds, ct);
        var overrides = store.ListOverridesCoveringAsync(coachIds, firstDate, lastDate, ct);
        var busy = busyTime.ListBusyAsync(coachIds, weeksFrom, weeksTo, ct);
        await Task.WhenAll(schedules, overrides, busy);
        return new SlotContext(await schedules, (await overrides).ToLookup(o => o.CoachId),
            (await busy).ToLookup(b => b.CoachId, b => b.Busy));
    }
}
