using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using NodaTime;
using NodaTime.Testing;

namespace Coaching.Storage.Contract;

/// <summary>
/// The behaviour every <see cref="ICoachStore"/> must show. One subclass per store runs it; a store that
/// cannot run here (no server) reports every test as skipped with its reason.
/// </summary>
public abstract class CoachStoreContract : IAsyncLifetime
{
    private ICoachStore? _store;

    protected FakeClock Clock { get; } = new(Instant.FromUtc(2026, 11, 29, 9, 0));

    protected UlidGenerator Ids => new(Clock);

    protected ICoachStore Store => _store ?? throw new InvalidOperationException("Store not created.");

    /// <summary>Why this store cannot be tested here, or null when it can.</summary>
    protected abstract string? SkipReason { get; }

    /// <summary>A new, empty store.</summary>
    protected abstract Task<ICoachStore> CreateStoreAsync();

    /// <summary>Drops whatever <see cref="CreateStoreAsync"/> created.</summary>
    protected abstract Task DisposeStoreAsync();

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

    private void SkipIfUnavailable() => Skip.If(SkipReason is not null, SkipReason);

    protected Coach NewCoach(string name = "Ada", params string[] specialties) =>
        Coach.Create(Ids.NewId(), new CoachDraft(name, "Bio ✓ 日本語", $"{name.ToLowerInvariant()}@example.org",
            specialties.Length == 0 ? ["cv"] : specialties, "Asia/Kathmandu"), Clock.GetCurrentInstant());

    protected Offering NewOffering(string coachId, string title = "Career coaching") =>
        Offering.Create(Ids.NewId(), coachId, new OfferingDraft(title, "Desc", Duration.FromMinutes(45), Duration.FromMinutes(10),
            Duration.FromMinutes(5), Duration.FromHours(12), Duration.FromDays(90), 3, 10, true, Duration.FromHours(24)),
            Clock.GetCurrentInstant());

    private static IdempotencyKey Key(string scope, string requestId, string content) =>
        IdempotencyKey.Create(scope, requestId, true, content)!;

    [SkippableFact]
    public async Task GetCoaches_ReturnsTheVisibleOnesAmongTheIds_InOneCall()
    {
        SkipIfUnavailable();
        var ada = NewCoach("Ada");
        var grace = NewCoach("Grace");
        var gone = NewCoach("Gone");
        foreach (var coach in new[] { ada, grace, gone })
        {
            await Store.CreateCoachAsync(coach, null, default);
        }

        await Store.DeleteCoachAsync(gone.Id, 1, Clock.GetCurrentInstant(), default);

        var found = await Store.GetCoachesAsync([grace.Id, gone.Id, "no-such-coach", ada.Id], default);

        Assert.Equal(new[] { ada.Id, grace.Id }.Order(StringComparer.Ordinal), found.Select(c => c.Id));
        Assert.Empty(await Store.GetCoachesAsync([], default));
    }

    [SkippableFact]
    public async Task CreateCoach_ThenGet_RoundTripsEveryField()
    {
        SkipIfUnavailable();
        var coach = NewCoach("Ada", "cv", "career moves");

        var created = await Store.CreateCoachAsync(coach, null, default);
        var read = await Store.GetCoachAsync(coach.Id, default);

        Assert.True(created.Created);
        Assert.NotNull(read);
        Assert.Equal(coach with { Specialties = [] }, read with { Specialties = [] });
        Assert.Equal(coach.Specialties, read.Specialties);
    }

    [SkippableFact]
    public async Task GetCoach_Missing_ReturnsNull()
    {
        SkipIfUnavailable();

        Assert.Null(await Store.GetCoachAsync("01nosuchcoach0000000000000", default));
    }

    [SkippableFact]
    public async Task CreateCoach_SameKeyAgain_ReturnsOriginalAndStoresNothingNew()
    {
        SkipIfUnavailable();
        var first = NewCoach("Ada");
        var retry = NewCoach("Ada");

        await Store.CreateCoachAsync(first, Key("admin-1", "req-1", "a"), default);
        var again = await Store.CreateCoachAsync(retry, Key("admin-1", "req-1", "b"), default);

        Assert.False(again.Created);
        Assert.Equal(first.Id, again.Value.Id);
        Assert.Equal(Key("admin-1", "req-1", "a").Fingerprint, again.Fingerprint);
        Assert.Null(await Store.GetCoachAsync(retry.Id, default));
    }

    [SkippableFact]
    public async Task CreateCoach_SameRequestIdOtherScope_CreatesBoth()
    {
        SkipIfUnavailable();

        var a = await Store.CreateCoachAsync(NewCoach("Ada"), Key("admin-1", "req-1", "a"), default);
        var b = await Store.CreateCoachAsync(NewCoach("Bea"), Key("admin-2", "req-1", "a"), default);

        Assert.True(a.Created);
        Assert.True(b.Created);
        Assert.NotEqual(a.Value.Id, b.Value.Id);
    }

    [SkippableFact]
    public async Task CreateCoach_SameKeyConcurrently_CreatesExactlyOne()
    {
        SkipIfUnavailable();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => Store.CreateCoachAsync(NewCoach("Ada"), Key("admin-1", "race", "a"), default))));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Value.Id).Distinct());
        var listed = await Store.ListCoachesAsync(new CoachQuery(null, true, null, 100), default);
        Assert.Single(listed);
    }

    [SkippableFact]
    public async Task UpdateCoach_AtExpectedVersion_StoresAndIncrementsVersion()
    {
        SkipIfUnavailable();
        var coach = NewCoach("Ada", "cv");
        await Store.CreateCoachAsync(coach, null, default);
        Clock.AdvanceMinutes(1);

        var changed = coach.Apply(new CoachDraft(DisplayName: "Ada L.", Specialties: ["risk"]), Clock.GetCurrentInstant());
        var stored = await Store.UpdateCoachAsync(changed, 1, default);
        var read = await Store.GetCoachAsync(coach.Id, default);

        Assert.Equal(2, stored.Version);
        Assert.Equal("Ada L.", read!.DisplayName);
        Assert.Equal(["risk"], read.Specialties);
        Assert.Equal(2, read.Version);
        Assert.Equal(Clock.GetCurrentInstant(), read.UpdateTime);
    }

    [SkippableFact]
    public async Task UpdateCoach_StaleVersion_FailsAbortedAndChangesNothing()
    {
        SkipIfUnavailable();
        var coach = NewCoach("Ada");
        await Store.CreateCoachAsync(coach, null, default);
        await Store.UpdateCoachAsync(coach with { Bio = "second" }, 1, default);

        var error = await Assert.ThrowsAsync<DomainException>(() => Store.UpdateCoachAsync(coach with { Bio = "lost" }, 1, default));

        Assert.Equal(ErrorKind.Aborted, error.Kind);
        Assert.Equal("second", (await Store.GetCoachAsync(coach.Id, default))!.Bio);
    }

    [SkippableFact]
    public async Task UpdateCoach_ConcurrentAtSameVersion_ExactlyOneWins()
    {
        SkipIfUnavailable();
        var coach = NewCoach("Ada");
        await Store.CreateCoachAsync(coach, null, default);

        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await Store.UpdateCoachAsync(coach with { Bio = $"writer {i}" }, 1, default);
                return true;
            }
            catch (DomainException e) when (e.Kind == ErrorKind.Aborted)
            {
                return false;
            }
        }));
        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, won => won);
        Assert.Equal(2, (await Store.GetCoachAsync(coach.Id, default))!.Version);
    }

    [SkippableFact]
    public async Task UpdateCoach_Missing_FailsNotFound()
    {
        SkipIfUnavailable();

        var error = await Assert.ThrowsAsync<DomainException>(() => Store.UpdateCoachAsync(NewCoach("Ghost"), 1, default));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [SkippableFact]
    public async Task DeleteCoach_HidesItFromGetAndList_AndSecondDeleteIsNotFound()
    {
        SkipIfUnavailable();
        var coach = NewCoach("Ada", "cv");
        await Store.CreateCoachAsync(coach, null, default);

        await Store.DeleteCoachAsync(coach.Id, 1, Clock.GetCurrentInstant(), default);

        Assert.Null(await Store.GetCoachAsync(coach.Id, default));
        Assert.Empty(await Store.ListCoachesAsync(new CoachQuery("cv", true, null, 10), default));
        Assert.Empty(await Store.ListCoachesAsync(new CoachQuery(null, true, null, 10), default));
        var again = await Assert.ThrowsAsync<DomainException>(() => Store.DeleteCoachAsync(coach.Id, 2, Clock.GetCurrentInstant(), default));
        Assert.Equal(ErrorKind.NotFound, again.Kind);
    }

    [SkippableFact]
    public async Task DeleteCoach_StaleVersion_FailsAbortedAndKeepsCoach()
    {
        SkipIfUnavailable();
        var coach = NewCoach("Ada");
        await Store.CreateCoachAsync(coach, null, default);
        await Store.UpdateCoachAsync(coach with { Bio = "v2" }, 1, default);

        var error = await Assert.ThrowsAsync<DomainException>(() => Store.DeleteCoachAsync(coach.Id, 1, Clock.GetCurrentInstant(), default));

        Assert.Equal(ErrorKind.Aborted, error.Kind);
        Assert.NotNull(await Store.GetCoachAsync(coach.Id, default));
    }

    [SkippableFact]
    public async Task ListCoaches_PagesInIdOrderWithCursor()
    {
        SkipIfUnavailable();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var coach = NewCoach($"Coach{i}");
            ids.Add(coach.Id);
            await Store.CreateCoachAsync(coach, null, default);
        }

        ids.Sort(StringComparer.Ordinal);

        var first = await Store.ListCoachesAsync(new CoachQuery(null, false, null, 2), default);
        var second = await Store.ListCoachesAsync(new CoachQuery(null, false, first[^1].Id, 2), default);
        var rest = await Store.ListCoachesAsync(new CoachQuery(null, false, second[^1].Id, 10), default);

        Assert.Equal(ids, first.Concat(second).Concat(rest).Select(c => c.Id));
    }

    [SkippableFact]
    public async Task ListCoaches_FiltersBySpecialtyAndActivity()
    {
        SkipIfUnavailable();
        var cv = NewCoach("Cv", "cv", "risk");
        var risk = NewCoach("Risk", "risk");
        var inactive = NewCoach("Off", "cv") with { Active = false };
        foreach (var c in new[] { cv, risk, inactive })
        {
            await Store.CreateCoachAsync(c, null, default);
        }

        var cvActive = await Store.ListCoachesAsync(new CoachQuery("cv", false, null, 10), default);
        var cvAll = await Store.ListCoachesAsync(new CoachQuery("cv", true, null, 10), default);
        var riskAll = await Store.ListCoachesAsync(new CoachQuery("risk", true, null, 10), default);

        Assert.Equal([cv.Id], cvActive.Select(c => c.Id));
        Assert.Equal(new[] { cv.Id, inactive.Id }.Order(StringComparer.Ordinal), cvAll.Select(c => c.Id));
        Assert.Equal(new[] { cv.Id, risk.Id }.Order(StringComparer.Ordinal), riskAll.Select(c => c.Id));
    }

    [SkippableFact]
    public async Task ListCoaches_AfterSpecialtyChange_FollowsNewSpecialties()
    {
        SkipIfUnavailable();
        var coach = NewCoach("Ada", "cv");
        await Store.CreateCoachAsync(coach, null, default);

        await Store.UpdateCoachAsync(coach with { Specialties = ["planning"] }, 1, default);

        Assert.Empty(await Store.ListCoachesAsync(new CoachQuery("cv", true, null, 10), default));
        Assert.Single(await Store.ListCoachesAsync(new CoachQuery("planning", true, null, 10), default));
    }

    [SkippableFact]
    public async Task CreateOffering_ThenGet_RoundTripsEveryField()
    {
        SkipIfUnavailable();
        var coach = NewCoach();
        await Store.CreateCoachAsync(coach, null, default);
        var offering = NewOffering(coach.Id);

        var created = await Store.CreateOfferingAsync(offering, null, default);
        var read = await Store.GetOfferingAsync(coach.Id, offering.Id, default);

        Assert.True(created.Created);
        Assert.Equal(offering, read);
    }

    [SkippableFact]
    public async Task GetOffering_WrongCoachOrDeletedCoach_ReturnsNull()
    {
        SkipIfUnavailable();
        var coach = NewCoach("Ada");
        var other = NewCoach("Bea");
        await Store.CreateCoachAsync(coach, null, default);
        await Store.CreateCoachAsync(other, null, default);
        var offering = NewOffering(coach.Id);
        await Store.CreateOfferingAsync(offering, null, default);

        Assert.Null(await Store.GetOfferingAsync(other.Id, offering.Id, default));
        await Store.DeleteCoachAsync(coach.Id, 1, Clock.GetCurrentInstant(), default);
        Assert.Null(await Store.GetOfferingAsync(coach.Id, offering.Id, default));
    }

    [SkippableFact]
    public async Task CreateOffering_SameKeyAgain_ReturnsOriginal()
    {
        SkipIfUnavailable();
        var coach = NewCoach();
        await Store.CreateCoachAsync(coach, null, default);
        var first = NewOffering(coach.Id);

        await Store.CreateOfferingAsync(first, Key("coach-user", "o-1", "x"), default);
        var again = await Store.CreateOfferingAsync(NewOffering(coach.Id), Key("coach-user", "o-1", "x"), default);

        Assert.False(again.Created);
        Assert.Equal(first, again.Value);
        Assert.Single(await Store.ListOfferingsAsync(coach.Id, null, 10, default));
    }

    [SkippableFact]
    public async Task UpdateOffering_VersionedLikeCoaches()
    {
        SkipIfUnavailable();
        var coach = NewCoach();
        await Store.CreateCoachAsync(coach, null, default);
        var offering = NewOffering(coach.Id);
        await Store.CreateOfferingAsync(offering, null, default);

        var stored = await Store.UpdateOfferingAsync(offering with { DailyCap = 7 }, 1, default);
        var stale = await Assert.ThrowsAsync<DomainException>(() => Store.UpdateOfferingAsync(offering with { DailyCap = 9 }, 1, default));

        Assert.Equal(2, stored.Version);
        Assert.Equal(ErrorKind.Aborted, stale.Kind);
        Assert.Equal(7, (await Store.GetOfferingAsync(coach.Id, offering.Id, default))!.DailyCap);
    }

    [SkippableFact]
    public async Task DeleteOffering_HidesItAndListSkipsIt()
    {
        SkipIfUnavailable();
        var coach = NewCoach();
        await Store.CreateCoachAsync(coach, null, default);
        var keep = NewOffering(coach.Id, "Keep");
        var drop = NewOffering(coach.Id, "Drop");
        await Store.CreateOfferingAsync(keep, null, default);
        await Store.CreateOfferingAsync(drop, null, default);

        await Store.DeleteOfferingAsync(coach.Id, drop.Id, 1, Clock.GetCurrentInstant(), default);

        Assert.Null(await Store.GetOfferingAsync(coach.Id, drop.Id, default));
        Assert.Equal([keep.Id], (await Store.ListOfferingsAsync(coach.Id, null, 10, default)).Select(o => o.Id));
        var missing = await Assert.ThrowsAsync<DomainException>(() => Store.DeleteOfferingAsync(coach.Id, drop.Id, 2, Clock.GetCurrentInstant(), default));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
    }

    [SkippableFact]
    public async Task ListOfferings_OnlyThatCoach_InIdOrder_WithCursor()
    {
        SkipIfUnavailable();
        var coach = NewCoach("Ada");
        var other = NewCoach("Bea");
        await Store.CreateCoachAsync(coach, null, default);
        await Store.CreateCoachAsync(other, null, default);
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var o = NewOffering(coach.Id, $"T{i}");
            mine.Add(o.Id);
            await Store.CreateOfferingAsync(o, null, default);
            await Store.CreateOfferingAsync(NewOffering(other.Id, $"X{i}"), null, default);
        }

        mine.Sort(StringComparer.Ordinal);

        var page1 = await Store.ListOfferingsAsync(coach.Id, null, 2, default);
        var page2 = await Store.ListOfferingsAsync(coach.Id, page1[^1].Id, 2, default);

        Assert.Equal(mine, page1.Concat(page2).Select(o => o.Id));
    }
}
