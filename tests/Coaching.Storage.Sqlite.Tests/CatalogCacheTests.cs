using Coaching.Domain.Availability;
using Coaching.Domain.Coaches;
using Coaching.Storage.Sqlite.Availability;
using Coaching.Storage.Sqlite.Coaches;
using NodaTime;

namespace Coaching.Storage.Sqlite.Tests;

/// <summary>
/// Catalog reads are cached per process but never stale: a change made through another database handle on the same file (as
/// another server process would) is seen by the next read, for coaches, offerings and weekly schedules, deletions included;
/// bookings and other writes leave the catalog version alone.
/// </summary>
public sealed class CatalogCacheTests : IAsyncLifetime, IAsyncDisposable
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 30, 8, 0);
    private readonly TempDatabase _file = new();
    private SqliteDatabase _here = null!;
    private SqliteDatabase _elsewhere = null!;

    public async Task InitializeAsync()
    {
        _here = await _file.CreateAsync();
        _elsewhere = new SqliteDatabase(_here.Path);
    }

    [Fact]
    public async Task AChangeByAnotherProcess_IsSeenByTheNextRead()
    {
        var here = new SqliteCoachStore(_here);
        var elsewhere = new SqliteCoachStore(_elsewhere);
        var hours = new SqliteAvailabilityStore(_here);
        var otherHours = new SqliteAvailabilityStore(_elsewhere);
        var coach = (await elsewhere.CreateCoachAsync(Coach.Create("c1", new CoachDraft("Ada", Email: "ada@example.org", TimeZoneId: "UTC"), Now), null, default)).Value;
        var offering = (await elsewhere.CreateOfferingAsync(
            Offering.Create("o1", "c1", new OfferingDraft("Coaching", Duration: Duration.FromMinutes(30)), Now), null, default)).Value;

        // Read (and cache) here, change elsewhere, read here again: each time the new state.
        Assert.Equal("Ada", (await here.GetCoachAsync("c1", default))!.DisplayName);
        Assert.Equal("Coaching", (await here.GetOfferingAsync("c1", "o1", default))!.Title);
        Assert.Empty((await hours.GetSchedulesAsync(["c1"], default)).Values);

        await elsewhere.UpdateCoachAsync(coach with { DisplayName = "Ada L.", Version = coach.Version + 1 }, coach.Version, default);
        await elsewhere.UpdateOfferingAsync(offering with { Title = "CV review", Version = offering.Version + 1 }, offering.Version, default);
        var windows = new List<WeeklyWindow> { new(IsoDayOfWeek.Monday, new DayWindow(9 * 60, 12 * 60)) };
        await otherHours.ReplaceScheduleAsync(new WeeklySchedule("c1", windows, Now, 1), 0,
            new Coaching.Domain.Outbox.OutboxEntry("e1", "availability.changed", "coaches/c1", ["*"], [], null, Now), default);

        Assert.Equal("Ada L.", (await here.GetCoachAsync("c1", default))!.DisplayName);
        Assert.Equal("CV review", (await here.GetOfferingAsync("c1", "o1", default))!.Title);
        Assert.Equal(windows, (await hours.GetSchedulesAsync(["c1"], default))["c1"].Windows);

        await elsewhere.DeleteOfferingAsync("c1", "o1", offering.Version + 1, Now, default);
        Assert.Null(await here.GetOfferingAsync("c1", "o1", default));
        await elsewhere.DeleteCoachAsync("c1", coach.Version + 1, Now, default);
        Assert.Null(await here.GetCoachAsync("c1", default));
    }

    [Fact]
    public async Task OnlyCatalogChanges_MoveTheVersion()
    {
        var store = new SqliteCoachStore(_here);
        var before = await VersionAsync();
        await store.CreateCoachAsync(Coach.Create("c2", new CoachDraft("Grace", Email: "grace@example.org", TimeZoneId: "UTC"), Now), null, default);
        var afterCoach = await VersionAsync();
        await using (var connection = await _here.OpenAsync(default))
        {
            using var other = connection.Command("CREATE TABLE unrelated (k INTEGER); INSERT INTO unrelated VALUES (1);");
            await other.ExecuteNonQueryAsync();
        }

        Assert.Equal(before + 1, afterCoach);
        Assert.Equal(afterCoach, await VersionAsync());
    }

    private async Task<long> VersionAsync()
    {
        await using var connection = await _here.OpenAsync(default);
        using var read = connection.Command("SELECT version FROM catalog_version");
        return (long)(await read.ExecuteScalarAsync())!;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        await _here.DisposeAsync();
        await _elsewhere.DisposeAsync();
        if (Directory.Exists(Path.GetDirectoryName(_here.Path)))
        {
            await _file.DeleteAsync();
        }
    }
}
