using System.Runtime.CompilerServices;
using SQLitePCL;

namespace Coaching.Storage.Sqlite.Tests;

public sealed class SqliteRuntimeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-tests", Guid.NewGuid().ToString("N"));

    /// <summary>
    /// As in the server, where the store's database is made before anything opens a connection, the first SQLite user of this
    /// test process is a <see cref="SqliteDatabase"/> (some tests here open plain connections, in any order).
    /// </summary>
    [ModuleInitializer]
#pragma warning disable CA2255 // A test assembly fixing the order of its process's first SQLite use, as the server's start-up does.
    internal static void FirstSqliteUserIsADatabase() =>
#pragma warning restore CA2255
        _ = new SqliteDatabase(Path.Combine(Path.GetTempPath(), "coaching-tests", "runtime-first.db"));

    [Fact]
    public async Task MemoryStatistics_AreOff_SoNoAllocationTakesTheGlobalLock()
    {
        await using var database = new SqliteDatabase(Path.Combine(_directory, "coaching.db"));
        await database.MigrateAsync(default);
        await using (var connection = await database.OpenAsync(default))
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO settings (name, value) VALUES ('k', zeroblob(100000))";
            await insert.ExecuteNonQueryAsync();
        }

        // SQLite counts bytes in use only while its statistics are on; each count is taken under its process-wide mutex.
        Assert.True(SqliteRuntime.EnsureConfigured());
        Assert.Equal(0, raw.sqlite3_memory_used());
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
