using Microsoft.Data.Sqlite;
using NodaTime;

namespace Coaching.Storage.Sqlite.Tests;

public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-tests", Guid.NewGuid().ToString("N"));

    private string DbPath => Path.Combine(_directory, "nested", "coaching.db");

    [Fact]
    public async Task Migrate_NewFile_CreatesDirectoryWalAndLatestSchema()
    {
        var database = new SqliteDatabase(DbPath);

        await database.MigrateAsync(default);

        Assert.True(File.Exists(DbPath));
        Assert.Equal(Schema.Migrations[^1].Version, await database.SchemaVersionAsync(default));
        await using var connection = await database.OpenAsync(default);
        using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await mode.ExecuteScalarAsync());
    }

    [Fact]
    public async Task BusyTime_IsOneBoundedRangeOfBookingsByCoach_AndBookingsKeepNoSecondCoachIndex()
    {
        var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(default);

        await using var connection = await database.OpenAsync(default);
        using var plan = connection.Command("EXPLAIN QUERY PLAN " + Bookings.SqliteBookedTimeReader.Sql)
            .With("$ids", "[\"c\"]").With("$lowest", 0L).With("$highest", 0L).With("$start", 0L).With("$end", 0L);
        var steps = await plan.ListAsync(r => r.GetString(3), default);
        using var indexes = connection.Command(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'bookings' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name");
        var names = await indexes.ListAsync(r => r.GetString(0), default);

        Assert.Contains("SEARCH bookings USING INDEX bookings_by_coach (coach_id=? AND start_time>? AND start_time<?)", steps);
        Assert.DoesNotContain(steps, s => s.StartsWith("SCAN bookings", StringComparison.Ordinal));
        Assert.Equal(["bookings_by_client", "bookings_by_coach", "bookings_by_start"], names);
    }

    [Fact]
    public async Task Connections_WaitInSqlitesBusyHandler_WithForeignKeysOn()
    {
        var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(default);

        await using var connection = await database.OpenAsync(default);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout;";
        var busy = await pragma.ExecuteScalarAsync();
        pragma.CommandText = "PRAGMA foreign_keys;";
        var keys = await pragma.ExecuteScalarAsync();

        // SQLite's own handler waits for the lock in short steps; without it the driver retries with coarse sleeps of its own.
        Assert.Equal((30000L, 1L), ((long)busy!, (long)keys!));
    }

    [Fact]
    public async Task Migrate_Twice_IsIdempotentAndKeepsData()
    {
        var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(default);
        await using (var connection = await database.OpenAsync(default))
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO coaches (id, display_name, bio, email, specialties, time_zone, active, create_time, update_time, version)
                VALUES ('c1', 'Ada', '', 'a@b.co', '[]', 'UTC', 1, 0, 0, 1)
                """;
            await insert.ExecuteNonQueryAsync();
        }

        await new SqliteDatabase(DbPath).MigrateAsync(default);

        await using var check = await database.OpenAsync(default);
        using var count = check.CreateCommand();
        count.CommandText = "SELECT count(*) FROM coaches";
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Migrate_FromVersion7_LiveCohortSessionsTakeClaims_CancelledOnesDoNot()
    {
        // 2025-01-11 18:00Z is 1,736,618,400,000 ms: cell 5,788,728 of 5 minutes; each session lasts 15 minutes.
        await WriteFileAtVersionAsync(7, """
                INSERT INTO courses (id, title, description, outcomes, session_count, create_time, update_time, version) VALUES ('k1', 'CV', '', '[]', 1, 0, 0, 1);
                INSERT INTO cohorts (id, course_id, display_name, time_zone, sessions, coach_ids, capacity, open_time, close_time, state, create_time, update_time, version)
                VALUES ('live', 'k1', 'Live', 'UTC', '[]', '["c1"]', 5, 0, 1, 2, 0, 0, 1),
                       ('gone', 'k1', 'Gone', 'UTC', '[]', '["c1"]', 5, 0, 1, 4, 0, 0, 1);
                INSERT INTO cohort_teaching (coach_id, start_time, end_time, cohort_id)
                VALUES ('c1', 1736618400000, 1736619300000, 'live'), ('c1', 1736704800000, 1736705700000, 'gone');
                """);

        await new SqliteDatabase(DbPath).MigrateAsync(default);

        await using var check = await new SqliteDatabase(DbPath).OpenAsync(default);
        using var claims = check.CreateCommand();
        claims.CommandText = "SELECT claim, cohort_id FROM claims ORDER BY claim";
        var rows = new List<(string, string)>();
        await using (var reader = await claims.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Assert.Equal([("c1|5788728", "live"), ("c1|5788729", "live"), ("c1|5788730", "live")], rows);
    }

    [Fact]
    public async Task Migrate_FromVersion15_DropsTheSecondCoachIndex_AndBusyTimeStillFindsTheActiveBookingsItHeld()
    {
        // Two bookings of coach c1 from 10:00Z to 11:00Z on 2030-01-01 (1,893,492,000,000 ms), 15-minute buffers; one cancelled.
        // Only the bookings matter here, so their coach and offering rows are left out (foreign keys off).
        await WriteFileAtVersionAsync(15, """
                PRAGMA foreign_keys = OFF;
                INSERT INTO bookings (id, coach_id, offering_id, client_id, start_time, end_time, block_start, block_end, buffer_before_s, buffer_after_s,
                                      coach_time_zone, agenda, state, history, create_time, update_time, version)
                VALUES ('live', 'c1', 'o1', 'u1', 1893492000000, 1893495600000, 1893491100000, 1893496500000, 900, 900, 'UTC', '', 2, '[]', 0, 0, 1),
                       ('gone', 'c1', 'o1', 'u2', 1893492000000, 1893495600000, 1893491100000, 1893496500000, 900, 900, 'UTC', '', 4, '[]', 0, 0, 2);
                """);

        var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(default);

        await using (var check = await database.OpenAsync(default))
        {
            using var index = check.Command("SELECT count(*) FROM sqlite_schema WHERE name = 'bookings_active_by_coach'");
            Assert.Equal(0L, await index.ExecuteScalarAsync());
        }

        // Ranges touching only the buffers: the block counts, the cancelled booking never does.
        var reader = new Bookings.SqliteBookedTimeReader(database);
        var before = await reader.ListBookedAsync(["c1"], Instant.FromUnixTimeMilliseconds(1893490000000), Instant.FromUnixTimeMilliseconds(1893491100001), default);
        var after = await reader.ListBookedAsync(["c1"], Instant.FromUnixTimeMilliseconds(1893496499999), Instant.FromUnixTimeMilliseconds(1893500000000), default);
        var clear = await reader.ListBookedAsync(["c1"], Instant.FromUnixTimeMilliseconds(1893496500000), Instant.FromUnixTimeMilliseconds(1893500000000), default);
        Assert.Equal("live", Assert.Single(before).Busy.BookingId);
        Assert.Equal("live", Assert.Single(after).Busy.BookingId);
        Assert.Empty(clear);
    }

    /// <summary>Writes the database file as schema <paramref name="version"/> left it, holding the rows <paramref name="data"/> inserts.</summary>
    private async Task WriteFileAtVersionAsync(int version, string data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        await using var old = new SqliteConnection($"Data Source={DbPath}");
        await old.OpenAsync();
        foreach (var (_, sql) in Schema.Migrations.Where(m => m.Version <= version))
        {
            await Run(old, sql);
        }

        await Run(old, $"PRAGMA user_version = {version};");
        await Run(old, data);
    }

    private static async Task Run(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Ping_HealthyDatabase_Succeeds_AndUnopenableFileThrows()
    {
        var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(default);
        await database.PingAsync(default);

        Directory.CreateDirectory(Path.Combine(_directory, "a-directory.db"));
        var broken = new SqliteDatabase(Path.Combine(_directory, "a-directory.db"));
        await Assert.ThrowsAsync<SqliteException>(() => broken.PingAsync(default));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
