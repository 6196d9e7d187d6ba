using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using Coaching.Domain.Courses;
using Coaching.Storage.Contract;
using Coaching.Storage.Sqlite.Availability;
using Coaching.Storage.Sqlite.Bookings;
using Coaching.Storage.Sqlite.Coaches;
using Coaching.Storage.Sqlite.Courses;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite.Tests;

/// <summary>A migrated database file in a fresh temporary directory, removed afterwards.</summary>
internal sealed class TempDatabase
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-tests", Guid.NewGuid().ToString("N"));

    public async Task<SqliteDatabase> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, "coaching.db"));
        await database.MigrateAsync(default);
        return database;
    }

    public Task DeleteAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class SqliteCoachStoreTests : CoachStoreContract
{
    private readonly TempDatabase _file = new();

    protected override string? SkipReason => null;

    protected override async Task<ICoachStore> CreateStoreAsync() => new SqliteCoachStore(await _file.CreateAsync());

    protected override Task DisposeStoreAsync() => _file.DeleteAsync();
}

public sealed class SqliteAvailabilityStoreTests : AvailabilityStoreContract
{
    private readonly TempDatabase _file = new();

    protected override string? SkipReason => null;

    protected override async Task<(ICoachStore Coaches, IAvailabilityStore Availability, Coaching.Domain.Outbox.IOutboxStore Outbox)> CreateStoresAsync()
    {
        var database = await _file.CreateAsync();
        return (new SqliteCoachStore(database), new SqliteAvailabilityStore(database), new Outbox.SqliteOutboxStore(database));
    }

    protected override Task DisposeStoresAsync() => _file.DeleteAsync();
}

public sealed class SqliteBookingStoreTests : BookingStoreContract
{
    private readonly TempDatabase _file = new();

    protected override string? SkipReason => null;

    protected override async Task<Stores> CreateStoresAsync()
    {
        var database = await _file.CreateAsync();
        return new Stores(new SqliteCoachStore(database), new SqliteBookingStore(database), new SqliteBookedTimeReader(database), new SqliteFeedStore(database),
            new Outbox.SqliteOutboxStore(database));
    }

    protected override Task DisposeStoresAsync() => _file.DeleteAsync();
}

public sealed class SqliteCourseStoreTests : CourseStoreContract
{
    private readonly TempDatabase _file = new();
    private IEnrolmentInviteStore? _invites;
    private Coaching.Domain.Outbox.IOutboxStore? _outbox;
    private (ICoachStore, IBookingStore) _commitments;

    protected override string? SkipReason => null;

    protected override IEnrolmentInviteStore Invites => _invites!;

    protected override Coaching.Domain.Outbox.IOutboxStore Outbox => _outbox!;

    protected override (ICoachStore Coaches, IBookingStore Bookings) Commitments => _commitments;

    protected override async Task<ICourseStore> CreateStoreAsync()
    {
        var database = await _file.CreateAsync();
        _invites = new SqliteEnrolmentInviteStore(database);
        _outbox = new Outbox.SqliteOutboxStore(database);
        _commitments = (new SqliteCoachStore(database), new SqliteBookingStore(database));
        return new SqliteCourseStore(database);
    }

    protected override Task DisposeStoreAsync() => _file.DeleteAsync();
}

public sealed class SqliteEventStoreTests : Coaching.Storage.Contract.EventStoreContract
{
    private readonly TempDatabase _file = new();

    protected override string? SkipReason => null;

    protected override async Task<(Coaching.Domain.Events.IEventStore Events, Coaching.Domain.Events.IQuestionStore Questions, Coaching.Domain.Outbox.IOutboxStore Outbox)> CreateStoresAsync()
    {
        var database = await _file.CreateAsync();
        return (new Events.SqliteEventStore(database), new Events.SqliteQuestionStore(database), new Outbox.SqliteOutboxStore(database));
    }

    protected override Task DisposeStoresAsync() => _file.DeleteAsync();
}

public sealed class SqliteCalendarConnectionStoreTests : Coaching.Storage.Contract.CalendarConnectionStoreContract
{
    private readonly TempDatabase _file = new();

    protected override string? SkipReason => null;

    protected override async Task<Coaching.Domain.ExternalCalendars.ICalendarConnectionStore> CreateStoreAsync() =>
        new Calendars.SqliteCalendarConnectionStore(await _file.CreateAsync());

    protected override Task DisposeStoreAsync() => _file.DeleteAsync();
}
