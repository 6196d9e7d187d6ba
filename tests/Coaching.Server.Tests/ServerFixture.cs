using System.Net.Http.Headers;
using Coaching.Contracts.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace Coaching.Server.Tests;

[CollectionDefinition(Name)]
public sealed class UsesServer : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}

/// <summary>Base of the tests in the server collection: each test starts with the clock at <see cref="ServerFixture.Start"/>.</summary>
public abstract class ServerTest
{
    protected ServerTest(ServerFixture server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.Clock.Reset(ServerFixture.Start);
    }
}

/// <summary>
/// Hosts the real server in memory on a fresh SQLite data directory with a fake clock, and hands out
/// generated gRPC clients that carry tokens for a chosen identity.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "coaching-server-tests", Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? _factory;

    /// <summary>The instant every test starts at (<see cref="ServerTest"/> resets the clock to it).</summary>
    public static readonly Instant Start = Instant.FromUtc(2026, 11, 30, 8, 0);

    public FakeClock Clock { get; } = new(Start);

    /// <summary>The server's data directory (its database, signing key and the e-mail pickup folder).</summary>
    public string DataDirectory => _dataDirectory;

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not started.");

    /// <summary>Why this fixture's server cannot run here (tests then report themselves skipped); null when it runs.</summary>
    public virtual string? SkipReason => null;

    /// <summary>Skips the calling test (a <c>SkippableFact</c>) when this fixture's server cannot run here.</summary>
    public void SkipIfAbsent() => Skip.If(SkipReason is not null, SkipReason);

    public virtual Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return Task.CompletedTask;
        }

        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => Configure(web
            .UseSetting("Coaching:DataDirectory", _dataDirectory)
            .UseSetting("Coaching:Calendars:AllowPrivateTargets", "true") // the test calendar servers listen on loopback
            .ConfigureTestServices(services => services.AddSingleton<IClock>(Clock))));
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    /// <summary>Settings a derived fixture adds, such as another store.</summary>
    protected virtual IWebHostBuilder Configure(IWebHostBuilder web) => web;

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>A channel whose calls carry <paramref name="token"/> (none when null).</summary>
    public GrpcChannel Channel(string? token)
    {
        var handler = new BearerHandler(token) { InnerHandler = Factory.Server.CreateHandler() };
        return GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = handler });
    }

    public string Token(string subject, string role, string? coachId = null, byte[]? key = null, DateTime? expires = null) =>
        DevTokens.Mint(_dataDirectory, subject, role, coachId, key, expires);

    public CoachService.CoachServiceClient Coaches(string? token) => new(Channel(token));

    public CoachService.CoachServiceClient AdminCoaches() => Coaches(Token("admin-1", "admin"));

    public CoachService.CoachServiceClient CoachCoaches(string coachName) =>
        Coaches(Token($"user-of-{coachName}", "coach", coachId: coachName.Split('/')[^1]));

    public CoachService.CoachServiceClient ClientCoaches(string subject = "client-1") => Coaches(Token(subject, "client"));

    /// <summary>Creates a coach as an admin with a unique specialty tag, so list tests can isolate their data.</summary>
    public async Task<Coach> SeedCoachAsync(string displayName = "Ada Lovelace", string? specialty = null, string timeZone = "Europe/London")
    {
        var coach = new Coach
        {
            DisplayName = displayName,
            Email = "ada@example.org",
            TimeZone = timeZone,
            Bio = "Career coach",
            Specialties = { specialty ?? "cv" },
        };
        return await AdminCoaches().CreateCoachAsync(new CreateCoachRequest { Coach = coach });
    }

    public static string UniqueTag() => $"tag {Guid.NewGuid():N}";

    private sealed class BearerHandler(string? token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
