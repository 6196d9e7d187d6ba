using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Identity;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// Use cases for weekly hours, date overrides, open slots and cross-coach search. A slot listing reads the coach, the offering,
/// the schedule, the overrides and the committed time together (<see cref="SlotContextLoader"/>): one round trip of latency,
/// one query each.
/// </summary>
public sealed class AvailabilityDesk(ICoachStore coaches, IAvailabilityStore store, SlotContextLoader slotContexts, IEventEncoder events, IClock clock,
    IIdGenerator ids)
{
    /// <summary>Longest range of one ListAvailableSlots call.</summary>
    public static readonly Duration MaxSlotRange = Duration.FromDays(90);

    /// <summary>Longest window of one SearchAvailability call.</summary>
    public static readonly Duration MaxSearchRange = Duration.FromDays(31);

    /// <summary>Most coaches one search considers (the first by id among the matches).</summary>
    public const int MaxSearchCoaches = 1000;

    /// <summary>The coach's weekly hours (any authenticated caller).</summary>
    public async Task<(Coach Coach, WeeklySchedule Schedule)> GetWeeklyScheduleAsync(string coachId, CancellationToken ct)
    {
        var coach = GetCoachAsync(coachId, ct);
        var schedule = store.GetScheduleAsync(coachId, ct);
        return (await coach, await schedule);
    }

    /// <summary>Replaces the coach's weekly hours (the coach or an admin).</summary>
    public async Task<(Coach Coach, WeeklySchedule Schedule)> UpdateWeeklyScheduleAsync(Caller caller, string coachId,
        IReadOnlyList<WindowInput> windows, string? etag, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "change this coach's hours");
        var validated = WeeklySchedule.Validate(windows);
        var (coach, current) = await GetWeeklyScheduleAsync(coachId, ct);
        Etags.Check(etag, current.Version, current.Name);
        var replacement = new WeeklySchedule(coachId, validated, Now(), checked(current.Version + 1));
        return (coach, await store.ReplaceScheduleAsync(replacement, current.Version, Changed(coach, null, null), ct));
    }

    /// <summary>Creates a date override (the coach or an admin), idempotent on the request id.</summary>
    public async Task<DateOverride> CreateDateOverrideAsync(Caller caller, string coachId, OverrideDraft draft, string? requestId, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "change this coach's hours");
        var dateOverride = DateOverride.Create(ids.NewId(), coachId, draft, Now());
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false, coachId, dateOverride.StartDate, dateOverride.EndDate,
            dateOverride.Kind, string.Join(',', dateOverride.Windows.Select(w => $"{w.StartMinute}-{w.EndMinute}")), dateOverride.Reason);
        var coach = await GetCoachAsync(coachId, ct);
        var result = await store.CreateOverrideAsync(dateOverride, key, Changed(coach, dateOverride.StartDate, dateOverride.EndDate), ct);
        if (key is not null && !result.Created && result.Fingerprint != key.Fingerprint)
        {
            Fail.RequestIdReused(key.RequestId);
        }

        return result.Value;
    }

    /// <summary>Lists a coach's overrides by start date (the coach or an admin: reasons may be private).</summary>
    public async Task<Page<DateOverride>> ListDateOverridesAsync(Caller caller, string coachId, int pageSize, string? pageToken, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "see this coach's date overrides");
        var filter = $"overrides|{coachId}";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        var after = page.After is { } cursor ? OverrideCursor.Parse(cursor) : (OverrideCursor?)null;

        _ = await GetCoachAsync(coachId, ct);
        var rows = await store.ListOverridesAsync(coachId, after, page.Size + 1, ct);
        return Page.FromFetched(rows, page, o => OverrideCursor.After(o).Format(), filter);
    }

    /// <summary>Deletes an override (the coach or an admin).</summary>
    public async Task DeleteDateOverrideAsync(Caller caller, string coachId, string overrideId, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "change this coach's hours");
        var coach = await GetCoachAsync(coachId, ct);
        if (!await store.DeleteOverrideAsync(coachId, overrideId, (_, gone) => Changed(coach, gone?.StartDate, gone?.EndDate), ct))
        {
            Fail.NotFound(ResourceNames.DateOverride(coachId, overrideId));
        }
    }

    // Hours changed: every signed-in caller may hear of it (a booking page refreshes its slots); null dates mean every date.
    private OutboxEntry Changed(Coach coach, LocalDate? first, LocalDate? last)
    {
        var time = Now();
        var id = ids.NewId();
        var resource = ResourceNames.Coach(coach.Id);
        var payload = events.Encode(id, AvailabilityChange.EventType, resource, time, new AvailabilityChange(coach.Id, coach.TimeZoneId, first, last));
        return new OutboxEntry(id, AvailabilityChange.EventType, resource, [OutboxEntry.Everyone], payload, null, time);
    }

    /// <summary>Open slots of one offering starting in <c>[start, end)</c>.</summary>
    public async Task<OfferingSlots> ListAvailableSlotsAsync(string coachId, string offeringId, Instant start, Instant end, CancellationToken ct)
    {
        CheckRange(start, end, MaxSlotRange);
        var coachTask = GetCoachAsync(coachId, ct);
        var offeringTask = coaches.GetOfferingAsync(coachId, offeringId, ct);
        var contextTask = slotContexts.LoadAsync([coachId], start, end, ct);
        var coach = await coachTask;
        var offering = await offeringTask ?? Fail.NotFound<Offering>(ResourceNames.Offering(coachId, offeringId));
        coach.EnsureTakesBookings();

        var context = await contextTask;
        var step = SlotCalculator.DefaultStep(offering);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = SlotCalculator.Compute(context.QueryFor(coach, offering), start, end, clock.GetCurrentInstant(), step);
        Telemetry.SlotComputation.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new OfferingSlots(coach, offering, result, step);
    }

    /// <summary>
    /// The earliest open slots per offering across active coaches, ordered by earliest start then offering name,
    /// paged with a keyset token on that order.
    /// </summary>
    public async Task<Page<OfferingSlots>> SearchAsync(SearchCriteria criteria, CancellationToken ct)
    {
        var v = new Violations();
        v.Require(criteria.SlotsPerOffering is >= 0 and <= 20, "slots_per_offering", "must be between 0 and 20");
        v.Require(criteria.MinDuration is null || criteria.MinDuration >= Duration.Zero, "min_duration", "must not be negative");
        v.Require(criteria.MaxDuration is null || criteria.MinDuration is null || criteria.MaxDuration >= criteria.MinDuration,
            "max_duration", "must not be less than min_duration");
        v.ThrowIfAny();
        var specialty = Specialty.Filter(criteria.Specialty, "specialty");
        CheckRange(criteria.Start, criteria.End, MaxSearchRange);
        var filter = $"search|{specialty}|{criteria.MinDuration}|{criteria.MaxDuration}|{criteria.Start}|{criteria.End}|{criteria.SlotsPerOffering}";
        var page = PageRequest.Parse(criteria.PageSize, criteria.PageToken, filter, defaultSize: 10, maxSize: 50);
        var perOffering = criteria.SlotsPerOffering == 0 ? 3 : criteria.SlotsPerOffering;

        var matches = await coaches.ListCoachesAsync(new CoachQuery(specialty, false, null, MaxSearchCoaches), ct);
        if (matches.Count == 0)
        {
            return new Page<OfferingSlots>([], string.Empty);
        }

        var coachIds = matches.Select(c => c.Id).ToList();
        var offeringsTask = coaches.ListOfferingsOfCoachesAsync(coachIds, ct);
        var context = await slotContexts.LoadAsync(coachIds, criteria.Start, criteria.End, ct);
        var offerings = (await offeringsTask)
            .Where(o => (criteria.MinDuration is null || o.Duration >= criteria.MinDuration)
                && (criteria.MaxDuration is null || o.Duration <= criteria.MaxDuration));
        var byId = matches.ToDictionary(c => c.Id);
        var now = clock.GetCurrentInstant();
        var results = new List<(string Key, OfferingSlots Slots)>();
        foreach (var offering in offerings)
        {
            var coach = byId[offering.CoachId];
            var step = SlotCalculator.DefaultStep(offering);
            // Only the earliest few slots are shown, so the search looks no further than them.
            var first = SlotCalculator.First(context.QueryFor(coach, offering), criteria.Start, criteria.End, now, step, perOffering);
            if (first.Count == 0)
            {
                continue;
            }

            results.Add(($"{first[0].ToUnixTimeTicks():D20}|{offering.Name}", new OfferingSlots(coach, offering, new SlotListing(first, []), step)));
        }

        var ordered = results.OrderBy(r => r.Key, StringComparer.Ordinal)
            .Where(r => page.After is null || string.CompareOrdinal(r.Key, page.After) > 0)
            .Take(page.Size + 1)
            .ToList();
        var fetched = ordered.Select(r => r.Slots).ToList();
        var keys = ordered.ToDictionary(r => r.Slots, r => r.Key);
        return Page.FromFetched(fetched, page, s => keys[s], filter);
    }

    /// <summary>Earliest instant availability can be asked about.</summary>
    public static readonly Instant EarliestQuery = Instant.FromUtc(2000, 1, 1, 0, 0);

    /// <summary>Latest instant availability can be asked about (far beyond any booking horizon, far from calendar limits).</summary>
    public static readonly Instant LatestQuery = Instant.FromUtc(2200, 1, 1, 0, 0);

    private static void CheckRange(Instant start, Instant end, Duration max)
    {
        var v = new Violations();
        v.Require(start >= EarliestQuery && start <= LatestQuery, "start_time", "must be between 2000-01-01 and 2200-01-01");
        v.Require(end >= EarliestQuery && end <= LatestQuery, "end_time", "must be between 2000-01-01 and 2200-01-01");
        v.ThrowIfAny();
        v.Require(end > start, "end_time", "must be after start_time");
        v.Require(end - start <= max, "end_time", $"the range may span at most {max.Days} days");
        v.ThrowIfAny();
    }

    private async Task<Coach> GetCoachAsync(string coachId, CancellationToken ct) =>
        await coaches.GetCoachAsync(coachId, ct) ?? Fail.NotFound<Coach>(ResourceNames.Coach(coachId));

    private Instant Now() => Instants.TruncateToMilliseconds(clock.GetCurrentInstant());
}
