using Coaching.Domain.Coaches;
using Coaching.Storage.Contract;
using Coaching.Storage.Sqlite.Coaches;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite.Tests;

public sealed class SqliteCoachStoreTests : CoachStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-tests", Guid.NewGuid().ToString("N"));

    protected override string? SkipReason => null;

    protected override async Task<ICoachStore> CreateStoreAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, "coaching.db"));
        await database.MigrateAsync(default);
        return new SqliteCoachStore(database);
    }

    protected override Task DisposeStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class SqliteAvailabilityStoreTests : Coaching.Storage.Contract.AvailabilityStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-tests", Guid.NewGuid().ToString("N"));

    protected override string? SkipReason => null;

    protected override async Task<(ICoachStore Coaches, Coaching.Domain.Availability.IAvailabilityStore Availability)> CreateStoresAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, "coaching.db"));
        await database.MigrateAsync(default);
        return (new SqliteCoachStore(database), new Availability.SqliteAvailabilityStore(database));
    }

    protected override Task DisposeStoresAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class SqliteBookingStoreTests : Coaching.Storage.Contract.BookingStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-tests", Guid.NewGuid().ToString("N"));

    protected override string? SkipReason => null;

    protected override async Task<Stores> CreateStoresAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, "coaching.db"));
        await database.MigrateAsync(default);
        return new Stores(new SqliteCoachStore(database), new Bookings.SqliteBookingStore(database), new Bookings.SqliteBusyTimeReader(database),
            new Bookings.SqliteFeedStore(database));
    }

    protected override Task DisposeStoresAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class SqliteCourseStoreTests : Coaching.Storage.Contract.CourseStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-tests", Guid.NewGuid().ToString("N"));

    protected override string? SkipReason => null;

    private Coaching.Domain.Calendar.IEnrolmentInviteStore? _invites;

    protected override Coaching.Domain.Calendar.IEnrolmentInviteStore Invites => _invites!;

    protected override async Task<Coaching.Domain.Courses.ICourseStore> CreateStoreAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, "coaching.db"));
        await database.MigrateAsync(default);
        _invites = new Courses.SqliteEnrolmentInviteStore(database);
        return new Courses.SqliteCourseStore(database);
    }

    protected override Task DisposeStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
