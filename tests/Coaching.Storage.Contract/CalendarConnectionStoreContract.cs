using Coaching.Domain.Common;
using Coaching.Domain.ExternalCalendars;
using NodaTime;
using NodaTime.Testing;

namespace Coaching.Storage.Contract;

/// <summary>The behaviour every <see cref="ICalendarConnectionStore"/> must show.</summary>
public abstract class CalendarConnectionStoreContract : IAsyncLifetime
{
    private ICalendarConnectionStore? _store;

    protected FakeClock Clock { get; } = new(Instant.FromUtc(2026, 11, 29, 9, 0));

    protected abstract string? SkipReason { get; }

    protected abstract Task<ICalendarConnectionStore> CreateStoreAsync();

    protected abstract Task DisposeStoreAsync();

    private ICalendarConnectionStore Store => _store!;

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _store = await CreateStoreAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await DisposeStoreAsync();
        }
    }

    private CalendarConnection New(string coachId) => new()
    {
        Id = new UlidGenerator(Clock).NewId(), CoachId = coachId, Source = CalendarSource.CalDav, SealedUrl = [1, 2, 3], SealedCredentials = [4, 5],
        UrlHint = "https://calendar.example.org/…", Health = ConnectionHealth.Pending, LastAttemptTime = null, LastSuccessTime = null, EventCount = 0,
        BusyCount = 0, LastError = string.Empty, Validator = string.Empty, NextSyncTime = Clock.GetCurrentInstant(), CreateTime = Clock.GetCurrentInstant(),
    };

    private static Interval Hours(int day, int from, int to) => new(Instant.FromUtc(2027, 1, day, from, 0), Instant.FromUtc(2027, 1, day, to, 0));

    [SkippableFact]
    public async Task Connections_CreateOncePerRequestKey_ListByCoach_AndDeleteWithTheirBusyTime()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var coach = $"coach-{Guid.NewGuid():N}";
        var key = new IdempotencyKey("coach", "r-1", "fp");
        var first = await Store.CreateAsync(New(coach), key, default);
        var again = await Store.CreateAsync(New(coach), key with { Fingerprint = "other" }, default);
        var second = await Store.CreateAsync(New(coach), null, default);
        var now = Clock.GetCurrentInstant();
        await Store.LeaseAsync(coach, first.Value.Id, "p1", now, now + Duration.FromMinutes(1), default);
        await Store.RecordAsync(first.Value with { Health = ConnectionHealth.Healthy, BusyCount = 2 }, "p1", [Hours(5, 9, 10), Hours(6, 9, 12)], default);

        var listed = await Store.ListAsync(coach, default);
        var busy = await Store.ListBusyAsync([coach], Hours(5, 0, 0).Start, Hours(7, 0, 0).Start, default);
        var deleted = await Store.DeleteAsync(coach, first.Value.Id, default);
        var twice = await Store.DeleteAsync(coach, first.Value.Id, default);
        var after = await Store.ListBusyAsync([coach], Hours(5, 0, 0).Start, Hours(7, 0, 0).Start, default);

        Assert.True(first.Created);
        Assert.Equal((false, "fp", first.Value.Id), (again.Created, again.Fingerprint, again.Value.Id));
        Assert.Equal(new[] { first.Value.Id, second.Value.Id }.Order(StringComparer.Ordinal), listed.Select(c => c.Id));
        Assert.Equal(first.Value.SealedCredentials, listed.Single(c => c.Id == first.Value.Id).SealedCredentials);
        Assert.Equal([Hours(5, 9, 10), Hours(6, 9, 12)], busy.Select(b => b.Busy).OrderBy(b => b.Start));
        Assert.True(deleted);
        Assert.False(twice);
        Assert.Empty(after);
    }

    [SkippableFact]
    public async Task OneProcessHoldsTheLease_ARecordNeedsIt_AndReplacesTheBusyTimeWhole_OrKeepsItWhenNoneIsGiven()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var coach = $"coach-{Guid.NewGuid():N}";
        var c = (await Store.CreateAsync(New(coach), null, default)).Value;
        var now = Clock.GetCurrentInstant();

        var p1 = await Store.LeaseAsync(coach, c.Id, "p1", now, now + Duration.FromMinutes(2), default);
        var p2 = await Store.LeaseAsync(coach, c.Id, "p2", now + Duration.FromMinutes(1), now + Duration.FromMinutes(3), default);
        var due = await Store.ListDueAsync(now + Duration.FromMinutes(1), 10, default);
        var lost = await Store.RecordAsync(c, "p2", [Hours(5, 9, 10)], default);
        var recorded = await Store.RecordAsync(c with { NextSyncTime = now + Duration.FromMinutes(10) }, "p1", [Hours(5, 9, 10), Hours(5, 14, 15)], default);
        var kept = await Store.LeaseAsync(coach, c.Id, "p2", now + Duration.FromMinutes(1), now + Duration.FromMinutes(3), default);
        await Store.RecordAsync(c with { Health = ConnectionHealth.Failing }, "p2", null, default);
        var unchanged = await Store.ListBusyAsync([coach], Hours(5, 0, 0).Start, Hours(6, 0, 0).Start, default);
        var expired = await Store.LeaseAsync(coach, c.Id, "p3", now + Duration.FromMinutes(5), now + Duration.FromMinutes(7), default);
        await Store.RecordAsync(c with { NextSyncTime = now + Duration.FromMinutes(10) }, "p3", [Hours(5, 18, 19)], default);
        var replaced = await Store.ListBusyAsync([coach], Hours(5, 0, 0).Start, Hours(6, 0, 0).Start, default);
        var notDue = await Store.ListDueAsync(now + Duration.FromMinutes(1), 10, default);

        Assert.NotNull(p1);
        Assert.Null(p2); // p1 holds it
        Assert.DoesNotContain(due, d => d.Id == c.Id); // leased: not due for anyone else
        Assert.False(lost);
        Assert.True(recorded);
        Assert.NotNull(kept); // the record freed the lease
        Assert.Equal([Hours(5, 9, 10), Hours(5, 14, 15)], unchanged.Select(b => b.Busy).OrderBy(b => b.Start));
        Assert.NotNull(expired);
        Assert.Equal([Hours(5, 18, 19)], replaced.Select(b => b.Busy));
        Assert.DoesNotContain(notDue, d => d.Id == c.Id);
    }

    [SkippableFact]
    public async Task BusyTime_LongerThanADay_IsFoundFromAnyOfItsDays_AndOnlyForItsCoach()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, other) = ($"coach-{Guid.NewGuid():N}", $"coach-{Guid.NewGuid():N}");
        var c = (await Store.CreateAsync(New(coach), null, default)).Value;
        var now = Clock.GetCurrentInstant();
        await Store.LeaseAsync(coach, c.Id, "p1", now, now + Duration.FromMinutes(1), default);
        var week = new Interval(Instant.FromUtc(2027, 1, 28, 12, 0), Instant.FromUtc(2027, 2, 4, 12, 0)); // across a month's end
        await Store.RecordAsync(c, "p1", [week], default);

        var middle = await Store.ListBusyAsync([coach], Instant.FromUtc(2027, 2, 1, 9, 0), Instant.FromUtc(2027, 2, 1, 10, 0), default);
        var whole = await Store.ListBusyAsync([coach, other], week.Start - Duration.FromDays(3), week.End + Duration.FromDays(3), default);
        var nobody = await Store.ListBusyAsync([other], week.Start, week.End, default);

        Assert.NotEmpty(middle);
        Assert.All(middle, b => Assert.True(b.Busy.Start <= Instant.FromUtc(2027, 2, 1, 9, 0) && b.Busy.End >= Instant.FromUtc(2027, 2, 1, 10, 0)));
        Assert.Equal(week.Start, whole.Min(b => b.Busy.Start));
        Assert.Equal(week.End, whole.Max(b => b.Busy.End));
        Assert.Equal(week.Duration, Duration.FromTicks(whole.Sum(b => b.Busy.Duration.BclCompatibleTicks))); // pieces, no overlap, no gap
        Assert.All(whole, b => Assert.Equal(coach, b.CoachId));
        Assert.Empty(nobody);
    }
}
