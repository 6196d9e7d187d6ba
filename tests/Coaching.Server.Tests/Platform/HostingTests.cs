using System.Diagnostics;
using Coaching.Server.Hosting;
using Coaching.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Coaching.Server.Tests.Platform;

/// <summary>Registration has no side effects; bad settings stop the server at start with a message naming the setting.</summary>
public class HostingTests
{
    [Fact]
    public async Task Registration_TouchesNoFile_InitializationCreatesDatabaseAndKey()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "coaching-hosting", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [$"--Coaching:DataDirectory={dataDirectory}"] });

        builder.AddCoachingServer();
        await using var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<CoachingOptions>>().Value;

        Assert.Equal(dataDirectory, options.ResolvedDataDirectory);
        Assert.False(Directory.Exists(dataDirectory), "registration and building the host must not create the data directory");
        await app.InitializeAsync();
        Assert.True(File.Exists(Path.Combine(dataDirectory, "coaching.db")));
        Assert.True(File.Exists(Path.Combine(dataDirectory, "signing-key.json")));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Theory]
    [InlineData(null, SqliteSynchronous.Full)]
    [InlineData("normal", SqliteSynchronous.Normal)]
    [InlineData("Full", SqliteSynchronous.Full)]
    public async Task EmbeddedStore_CommitsDurablyByDefault_AndNormalIsAChoice(string? setting, SqliteSynchronous expected)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "coaching-hosting", Guid.NewGuid().ToString("N"));
        string[] args = setting is null
            ? [$"--Coaching:DataDirectory={dataDirectory}"]
            : [$"--Coaching:DataDirectory={dataDirectory}", $"--Coaching:SqliteSynchronous={setting}"];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });

        builder.AddCoachingServer();
        await using var app = builder.Build();
        var database = app.Services.GetRequiredService<SqliteDatabase>();
        await app.InitializeAsync();
        await using (var connection = await database.OpenAsync(default))
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous;";
            Assert.Equal((expected, expected == SqliteSynchronous.Full ? 2L : 1L), (database.Synchronous, (long)(await pragma.ExecuteScalarAsync())!));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(dataDirectory, recursive: true);
    }

    [Theory]
    [InlineData("--Coaching:SqliteSynchronous=off", "Coaching:SqliteSynchronous")]
    [InlineData("--Coaching:Store=postgres", "Coaching:Store must be 'sqlite' or 'mongodb', not 'postgres'")]
    [InlineData("--Coaching:Store=mongodb", "Coaching:MongoDb:ConnectionString is empty")]
    [InlineData("--Coaching:Feeds:BaseUrl=feeds.example.org", "Coaching:Feeds:BaseUrl must be an absolute http or https URL")]
    public async Task BadSetting_ServerStopsAtStart_NamingTheSetting(string argument, string message)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "coaching-hosting", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Coaching.Server.dll"), argument, $"--Coaching:DataDirectory={dataDirectory}",
                "--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:0", "--Kestrel:Endpoints:Feeds:Url=http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(message, await stdout + await stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dataDirectory, "coaching.db")));
    }
}
