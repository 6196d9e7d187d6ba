using Microsoft.Data.Sqlite;

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
