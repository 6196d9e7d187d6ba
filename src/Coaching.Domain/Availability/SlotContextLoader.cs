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
    public Task<SlotContext> LoadAsync(IReadOnlyCollection<string> coachIds, Instant start, Instant end, CancellationToken ct)
    {
        var (firstDate, lastDate) = DatesAround(start, end);
        var weeksFrom = firstDate.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday)).AtMidnight().InUtc().ToInstant() - ZoneMargin;
        var weeksTo = lastDate.With(DateAdjusters.Next(IsoDayOfWeek.Monday)).AtMidnight().InUtc().ToInstant() + ZoneMargin;
        // A coach's own calendar only blocks: it matters around the starts themselves (a day either side covers any buffers).
        var blocking = new Interval(start - Duration.FromDays(1), end + Duration.FromDays(1));
        return LoadAsync(coachIds, firstDate, lastDate, busyTime.ListBusyAsync(coachIds, weeksFrom, weeksTo, ct, blocking), ct);
    }

    /// <summary>
    /// What the booking path reads to judge the one start a booking or a move asks for: the coach's hours and overrides around it,
    /// and no committed time. Conflicts with other bookings and with cohort sessions (buffers included), and the caps, are judged
    /// by the store in the booking's own write, where the time claims and cap seats are checked atomically (a taken slot answers
    /// SLOT_UNAVAILABLE, a full cap BOOKING_LIMIT_REACHED, exactly as a pre-read would have). Reading them here as well would only
    /// repeat that judgement, non-atomically, at the cost of the two largest reads of a booking.
    /// </summary>
    public Task<SlotContext> LoadHoursAsync(string coachId, Instant start, CancellationToken ct)
    {
        var (firstDate, lastDate) = DatesAround(start, start + Duration.FromMinutes(1));
        return LoadAsync([coachId], firstDate, lastDate, Task.FromResult<IReadOnlyList<(string CoachId, BusyInterval Busy)>>([]), ct);
    }

    private static (LocalDate First, LocalDate Last) DatesAround(Instant start, Instant end) =>
        ((start - ZoneMargin).InUtc().Date.PlusDays(-1), (end + ZoneMargin).InUtc().Date.PlusDays(1));

    private async Task<SlotContext> LoadAsync(IReadOnlyCollection<string> coachIds, LocalDate firstDate, LocalDate lastDate,
        Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> busy, CancellationToken ct)
    {
        var schedules = store.GetSchedulesAsync(coachIds, ct);
        var overrides = store.ListOverridesCoveringAsync(coachIds, firstDate, lastDate, ct);
        await Task.WhenAll(schedules, overrides, busy);
        return new SlotContext(await schedules, (await overrides).ToLookup(o => o.CoachId),
            (await busy).ToLookup(b => b.CoachId, b => b.Busy));
    }
}
