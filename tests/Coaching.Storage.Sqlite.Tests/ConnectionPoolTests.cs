using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite.Tests;

/// <summary>
/// The database's own pool: a connection comes back open with its compiled statements, but never one that still holds a
/// transaction or a command in use, and a compiled statement that failed runs again cleanly.
/// </summary>
public sealed class ConnectionPoolTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(Path.Combine(_directory, "coaching.db"));
        await _database.MigrateAsync(default);
        await using var connection = await _database.OpenAsync(default);
        using var create = connection.Command("CREATE TABLE scratch (k INTEGER PRIMARY KEY);");
        await create.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task AConnectionComesBackOpen_WithTheCommandItCompiled()
    {
        SqliteConnection first;
        SqliteCommand compiled;
        await using (var connection = await _database.OpenAsync(default))
        {
            first = connection;
            compiled = connection.Command("SELECT count(*) FROM scratch WHERE k > $k").With("$k", 0);
            Assert.Equal(0L, await compiled.ExecuteScalarAsync());
            await compiled.DisposeAsync();
        }

        await using var again = await _database.OpenAsync(default);
        using var reused = again.Command("SELECT count(*) FROM scratch WHERE k > $k").With("$k", 0);

        Assert.Same(first, again);
        Assert.Same(compiled, reused);
        Assert.Equal(System.Data.ConnectionState.Open, again.State);
        Assert.Equal(0L, await reused.ExecuteScalarAsync()); // the parameters of the last lease were cleared, this one's bound
    }

    [Fact]
    public async Task AHandedBackCommand_KeepsItsParameterObjects_NotTheirValues()
    {
        const string sql = "SELECT count(*) FROM scratch WHERE k > $k";
        await using var connection = await _database.OpenAsync(default);
        SqliteParameter first;
        using (var lease = connection.Command(sql).With("$k", 0))
        {
            first = lease.Parameters["$k"];
            Assert.Equal(0L, await lease.ExecuteScalarAsync());
        }

        using var again = connection.Command(sql);
        // Unset, never the last lease's 0: Microsoft.Data.Sqlite refuses to bind a parameter without a value.
        await Assert.ThrowsAsync<InvalidOperationException>(() => again.ExecuteScalarAsync());

        using (var insert = connection.Command("INSERT INTO scratch (k) VALUES (1), (2), (3)"))
        {
            await insert.ExecuteNonQueryAsync();
        }

        again.With("$k", 1);
        Assert.Same(first, Assert.Single(again.Parameters.Cast<SqliteParameter>()));
        Assert.Equal(2L, await again.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ALeaseSettingParametersInAnotherOrder_BindsEachValueToItsName()
    {
        const string sql = "SELECT $a || '-' || $b || '-' || $c";
        await using var connection = await _database.OpenAsync(default);
        using (var lease = connection.Command(sql).With("$a", "1").With("$b", "2").With("$c", "3"))
        {
            Assert.Equal("1-2-3", await lease.ExecuteScalarAsync());
        }

        using (var lease = connection.Command(sql).With("$c", "6").With("$a", "4").With("$b", "5"))
        {
            Assert.Equal("4-5-6", await lease.ExecuteScalarAsync());
            Assert.Equal(3, lease.Parameters.Count);
        }

        using var last = connection.Command(sql).With("$a", "7").With("$b", "8").With("$c", null);
        Assert.Equal(System.DBNull.Value, await last.ExecuteScalarAsync()); // NULL concatenated is NULL: $c bound as NULL, not "6"
    }

    [Fact]
    public async Task AConnectionHandedBackInsideATransaction_IsClosed_AndItsChangesRolledBack()
    {
        var leaked = await _database.OpenAsync(default);
        var transaction = leaked.BeginTransaction();
        using (var insert = leaked.Command("INSERT INTO scratch (k) VALUES (1)", transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await leaked.DisposeAsync();
        await using var next = await _database.OpenAsync(default);
        using var count = next.Command("SELECT count(*) FROM scratch");

        Assert.NotSame(leaked, next);
        Assert.Equal(System.Data.ConnectionState.Closed, leaked.State);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task ACompiledStatementThatFailed_RunsAgain_AndTheSameTextTwiceAtOnceGetsTwoCommands()
    {
        await using var connection = await _database.OpenAsync(default);
        const string insertSql = "INSERT INTO scratch (k) VALUES ($k)";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var insert = connection.Command(insertSql).With("$k", 5);
            if (attempt == 0)
            {
                await insert.ExecuteNonQueryAsync();
            }
            else
            {
                var duplicate = await Assert.ThrowsAsync<SqliteException>(() => insert.ExecuteNonQueryAsync());
                Assert.True(duplicate.IsUniqueViolation());
            }
        }

        using var outer = connection.Command(insertSql).With("$k", 6);
        using var inner = connection.Command(insertSql).With("$k", 7);
        await outer.ExecuteNonQueryAsync();
        await inner.ExecuteNonQueryAsync();

        Assert.NotSame(outer, inner);
        using var keys = connection.Command("SELECT group_concat(k) FROM (SELECT k FROM scratch ORDER BY k)");
        Assert.Equal("5,6,7", await keys.ExecuteScalarAsync());
    }

    [Fact]
    public async Task DisposingTheDatabase_ClosesItsIdleConnections()
    {
        var connection = await _database.OpenAsync(default);
        await connection.DisposeAsync();
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);

        await _database.DisposeAsync();

        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
