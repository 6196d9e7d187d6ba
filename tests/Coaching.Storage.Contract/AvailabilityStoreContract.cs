using Coaching.Domain.Availability;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using NodaTime;
using NodaTime.Testing;

namespace Coaching.Storage.Contract;

/// <summary>The behaviour every <see cref="IAvailabilityStore"/> must show.</summary>
public abstract class AvailabilityStoreContract : IAsyncLifetime
{
    private (ICoachStore Coaches, IAvailabilityStore Availability, Coaching.Domain.Outbox.IOutboxStore Outbox)? _stores;

    protected FakeClock Clock { get; } = new(Instant.FromUtc(2026, 11, 29, 9, 0));

    protected abstract string? SkipReason { get; }

    protected abstract Task<(ICoachStore Coaches, IAvailabilityStore Availability, Coaching.Domain.Outbox.IOutboxStore Outbox)> CreateStoresAsync();

    protected abstract Task DisposeStoresAsync();

    private IAvailabilityStore Store => _stores!.Value.Availability;

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _stores = await CreateStoresAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_stores is not null)
        {
            await DisposeStoresAsync();
        }
    }

    // The entries the stores were handed, with the override each delete reported.
    private readonly List<(string Id, Coaching.Domain.Availability.DateOverride? Gone)> _changes = [];

    private Coaching.Domain.Outbox.OutboxEntry Changed(Coaching.Domain.Availability.DateOverride? gone = null)
    {
        var id = new UlidGenerator(Clock).NewId();
        _changes.Add((id, gone));
        return new(id, "availability.changed", "coaches/x", [Coaching.Domain.Outbox.OutboxEntry.Everyone], [], null, Clock.GetCurrentInstant());
    }

    private async Task<string> SeedCoachAsync()
    {
        var coach = Coach.Create(new UlidGenerator(Clock).NewId(), new CoachDraft("Ada", "", "a@b.co", [], "Europe/London"), Clock.GetCurrentInstant());
        await _stores!.Value.Coaches.CreateCoachAsync(coach, null, default);
        return coach.Id;
    }

    private DateOverride Override(string coachId, LocalDate start, LocalDate end, params DayWindow[] windows) => new()
    {
        Id = new UlidGenerator(Clock).NewId(),
        CoachId = coachId,
        StartDate = start,
        EndDate = end,
        Kind = windows.Length == 0 ? OverrideKind.Unavailable : OverrideKind.ReplaceHours,
        Windows = windows,
        Reason = "Leave ✈",
        CreateTime = Clock.GetCurrentInstant(),
    };

    [SkippableFact]
    public async Task Schedule_Missing_IsEmptyAtVersionZero()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var coach = await SeedCoachAsync();

        var schedule = await Store.GetScheduleAsync(coach, default);

        Assert.Empty(schedule.Windows);
        Assert.Equal(0, schedule.Version);
    }

    [SkippableFact]
    public async Task Schedule_ReplaceRoundTrips_AndStaleVersionIsAborted()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var coach = await SeedCoachAsync();
        var first = new WeeklySchedule(coach, [new WeeklyWindow(IsoDayOfWeek.Monday, new DayWindow(540, 720)),
            new WeeklyWindow(IsoDayOfWeek.Sunday, new DayWindow(1320, 1440))], Clock.GetCurrentInstant(), 1);

        await Store.ReplaceScheduleAsync(first, 0, Changed(), default);
        var second = first with { Windows = [new WeeklyWindow(IsoDayOfWeek.Friday, new DayWindow(0, 60))], Version = 2 };
        await Store.ReplaceScheduleAsync(second, 1, Changed(), default);
        var staleInsert = await Assert.ThrowsAsync<DomainException>(() => Store.ReplaceScheduleAsync(first, 0, Changed(), default));
        var staleUpdate = await Assert.ThrowsAsync<DomainException>(() => Store.ReplaceScheduleAsync(second with { Version = 2 }, 1, Changed(), default));
        var read = await Store.GetScheduleAsync(coach, default);

        Assert.Equal(ErrorKind.Aborted, staleInsert.Kind);
        Assert.Equal(ErrorKind.Aborted, staleUpdate.Kind);
        Assert.Equal(second.Windows, read.Windows);
        Assert.Equal(2, read.Version);
        Assert.Equal(Clock.GetCurrentInstant(), read.UpdateTime);
    }

    [SkippableFact]
    public async Task Schedule_ConcurrentFirstStores_ExactlyOneWins()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var coach = await SeedCoachAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await Store.ReplaceScheduleAsync(new WeeklySchedule(coach, [new WeeklyWindow(IsoDayOfWeek.Monday, new DayWindow(i * 60, (i * 60) + 30))],
                    Clock.GetCurrentInstant(), 1), 0, Changed(), default);
                return true;
            }
            catch (DomainException e) when (e.Kind == ErrorKind.Aborted)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
    }

    [SkippableFact]
    public async Task GetSchedules_ManyCoachesInOneCall()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var a = await SeedCoachAsync();
        var b = await SeedCoachAsync();
        var c = await SeedCoachAsync();
        await Store.ReplaceScheduleAsync(new WeeklySchedule(a, [new WeeklyWindow(IsoDayOfWeek.Monday, new DayWindow(0, 30))], Clock.GetCurrentInstant(), 1), 0, Changed(), default);
        await Store.ReplaceScheduleAsync(new WeeklySchedule(b, [new WeeklyWindow(IsoDayOfWeek.Tuesday, new DayWindow(0, 30))], Clock.GetCurrentInstant(), 1), 0, Changed(), default);

        var schedules = await Store.GetSchedulesAsync([a, b, c], default);

        Assert.Equal(new[] { a, b }.Order(), schedules.Keys.Order());
        Assert.Equal(IsoDayOfWeek.Tuesday, schedules[b].Windows[0].Day);
    }

    [SkippableFact]
    public async Task Overrides_RoundTrip_ListInStartOrder_WithCursor()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var coach = await SeedCoachAsync();
        var late = Override(coach, new LocalDate(2026, 12, 20), new LocalDate(2026, 12, 24));
        var early = Override(coach, new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 1), new DayWindow(60, 120), new DayWindow(600, 660));
        var middle = Override(coach, new LocalDate(2026, 12, 10), new LocalDate(2026, 12, 10));
        foreach (var o in new[] { late, early, middle })
        {
            await Store.CreateOverrideAsync(o, null, Changed(), default);
        }

        var page1 = await Store.ListOverridesAsync(coach, null, 2, default);
        var page2 = await Store.ListOverridesAsync(coach, OverrideCursor.After(page1[^1]), 2, default);

        Assert.Equal([early.Id, middle.Id, late.Id], page1.Concat(page2).Select(o => o.Id));
        Assert.Equal(early with { Windows = [] }, page1[0] with { Windows = [] });
        Assert.Equal(early.Windows, page1[0].Windows);
    }

    [SkippableFact]
    public async Task Overrides_Covering_FindsOnlyOverlappingDatesOfGivenCoaches()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var coach = await SeedCoachAsync();
        var other = await SeedCoachAsync();
        var before = Override(coach, new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 4));
        var touchingStart = Override(coach, new LocalDate(2026, 12, 2), new LocalDate(2026, 12, 5));
        var spanning = Override(coach, new LocalDate(2026, 11, 1), new LocalDate(2027, 1, 1));
        var after = Override(coach, new LocalDate(2026, 12, 11), new LocalDate(2026, 12, 12));
        var othersOverride = Override(other, new LocalDate(2026, 12, 6), new LocalDate(2026, 12, 6));
        foreach (var o in new[] { before, touchingStart, spanning, after, othersOverride })
        {
            await Store.CreateOverrideAsync(o, null, Changed(), default);
        }

        var found = await Store.ListOverridesCoveringAsync([coach], new LocalDate(2026, 12, 5), new LocalDate(2026, 12, 10), default);

        Assert.Equal(new[] { touchingStart.Id, spanning.Id }.Order(), found.Select(o => o.Id).Order());
    }

    [SkippableFact]
    public async Task Overrides_IdempotentCreate_AndDelete()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var coach = await SeedCoachAsync();
        var key = IdempotencyKey.Create("u1", "r1", true, "x")!;
        var first = Override(coach, new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 1));

        await Store.CreateOverrideAsync(first, key, Changed(), default);
        var retry = await Store.CreateOverrideAsync(Override(coach, new LocalDate(2026, 12, 1), new LocalDate(2026, 12, 1)), key, Changed(), default);
        var deleted = await Store.DeleteOverrideAsync(coach, first.Id, (_, gone) => Changed(gone), default);
        var again = await Store.DeleteOverrideAsync(coach, first.Id, (_, gone) => Changed(gone), default);

        Assert.False(retry.Created);
        Assert.Equal(first.Id, retry.Value.Id);
        Assert.True(deleted);
        Assert.False(again);
        Assert.Empty(await Store.ListOverridesAsync(coach, null, 10, default));

        // The create and the delete recorded their entries with themselves; the retry recorded none; the delete named what it removed.
        await _stores!.Value.Outbox.RelayAsync("contract", Clock.GetCurrentInstant(),
            _ => Task.FromResult<IReadOnlyList<Coaching.Domain.Outbox.Delivery>>([]), default);
        var logged = (await _stores!.Value.Outbox.ReadLogAsync(0, 100, default)).Select(e => e.Entry.Id).ToHashSet();
        Assert.Contains(_changes[0].Id, logged);
        Assert.DoesNotContain(_changes[1].Id, logged);
        var deletion = _changes.Skip(2).Where(c => logged.Contains(c.Id)).ToList();
        Assert.NotEmpty(deletion);
        Assert.All(deletion.Where(c => c.Gone is not null), c => Assert.Equal(first.Id, c.Gone!.Id));
    }
}
