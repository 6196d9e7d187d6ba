using Coaching.Domain.Migration;
using Coaching.Storage.Mongo;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Courses;
using Coaching.Storage.Mongo.Migration;
using Coaching.Storage.Mongo.Tests;
using Coaching.Storage.Sqlite;
using Coaching.Storage.Sqlite.Bookings;
using Coaching.Storage.Sqlite.Courses;
using Coaching.Storage.Sqlite.Migration;

namespace Coaching.Server.Tests.Tools;

/// <summary>
/// The copy into a real MongoDB server (<c>COACHING_MONGODB_URI</c>, or a throwaway one where Docker runs; skipped with the reason
/// otherwise): afterwards the Mongo stores answer every booking, invite and cohort as the SQLite stores do, the comparison agrees,
/// and a second run changes nothing.
/// </summary>
public sealed class LiveMigrationTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly ServerFixture _server = new();
    private SqliteDatabase? _database;
    private MongoStore? _mongo;

    public async Task InitializeAsync()
    {
        if (MongoTestServer.SkipReason is not null)
        {
            return;
        }

        await _server.InitializeAsync();
        await MigrationWorld.BuildAsync(_server);
        _database = new SqliteDatabase(Path.Combine(_server.DataDirectory, "coaching.db"));
        _mongo = await MongoTestServer.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        if (_mongo is not null)
        {
            await MongoTestServer.DropAsync(_mongo);
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    [SkippableFact]
    public async Task Copy_GivesAMongoStoreThatAnswersAsTheSqliteStoreDid_AndARerunChangesNothing()
    {
        Skip.If(MongoTestServer.SkipReason is not null, MongoTestServer.SkipReason);
        var source = new SqliteMigrationSource(_database!);
        for (var i = 0; i < 200 && await source.UnplannedLogEntriesAsync(default) > 0; i++)
        {
            await Task.Delay(50);
        }

        var copy = new StoreCopy(source, new MongoMigrationTarget(_mongo!), pageSize: 2);
        var first = await copy.RunAsync(new Progress<MigrationProgress>(), default);
        var second = await copy.RunAsync(new Progress<MigrationProgress>(), default);

        Assert.All(first, c => Assert.True(c.Same, $"{c.What}: {c.Source} in SQLite, {c.Target} in MongoDB"));
        Assert.Equal(first, second);
        var (sqliteBookings, mongoBookings) = (new SqliteBookingStore(_database!), new MongoBookingStore(_mongo!));
        foreach (var booking in (await source.ReadAsync(MigrationKind.Bookings, null, 100, default)).Cast<ExportedBooking>())
        {
            Assert.Equivalent(await sqliteBookings.GetAsync(booking.Key, default), await mongoBookings.GetAsync(booking.Key, default), strict: true);
            Assert.Equal((await sqliteBookings.ListInvitesAsync(booking.Key, default)).Select(i => (i.Ordinal, i.Sequence, i.Uid, Convert.ToBase64String(i.Content))),
                (await mongoBookings.ListInvitesAsync(booking.Key, default)).Select(i => (i.Ordinal, i.Sequence, i.Uid, Convert.ToBase64String(i.Content))));
        }

        var (sqliteCourses, mongoCourses) = (new SqliteCourseStore(_database!), new MongoCourseStore(_mongo!));
        var cohort = (await source.ReadAsync(MigrationKind.Cohorts, null, 10, default)).Cast<ExportedCohort>().First(c => c.Cohort.CourseId != "events");
        Assert.Equivalent(await sqliteCourses.GetCohortAsync(cohort.Cohort.CourseId, cohort.Key, default),
            await mongoCourses.GetCohortAsync(cohort.Cohort.CourseId, cohort.Key, default), strict: true);
        foreach (var enrolment in cohort.Enrolments)
        {
            Assert.Equivalent(enrolment.Enrolment, await mongoCourses.GetEnrolmentAsync(cohort.Cohort.CourseId, cohort.Key, enrolment.Enrolment.Id, default), strict: true);
        }
    }
}
