namespace Coaching.Storage.Mongo.Tests;

/// <summary>
/// The MongoDB server of the live legs: the one <c>COACHING_MONGODB_URI</c> names; otherwise, where a Docker engine is reachable,
/// a throwaway single-node replica set started once for the test run (Testcontainers; image <c>COACHING_MONGODB_IMAGE</c>,
/// default <see cref="DefaultImage"/>); otherwise none, and the live tests report themselves skipped with the reason.
/// </summary>
internal static class MongoTestServer
{
    /// <summary>The newest server version supported; 6.0 is the oldest (set COACHING_MONGODB_IMAGE=mongo:6.0 to test it).</summary>
    public const string DefaultImage = "mongo:8.0";

    private static readonly Lazy<(string? Uri, string? Skip)> Server = new(Start);

    public static string? SkipReason => Server.Value.Skip;

    /// <summary>The server's connection string; null when <see cref="SkipReason"/> says why there is none.</summary>
    public static string? Uri => Server.Value.Uri;

    public static async Task<MongoStore> CreateDatabaseAsync()
    {
        // The production client settings (majority writes, primary local reads), on a database of its own.
        var store = MongoStore.Connect(Server.Value.Uri!, $"coaching_test_{Guid.NewGuid():N}");
        await store.EnsureIndexesAsync(default);
        return store;
    }

    public static Task DropAsync(MongoStore store) =>
        store.Database.Client.DropDatabaseAsync(store.Database.DatabaseNamespace.DatabaseName);

    private static (string? Uri, string? Skip) Start()
    {
        var configured = Environment.GetEnvironmentVariable("COACHING_MONGODB_URI");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (configured, null);
        }

        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (string.IsNullOrWhiteSpace(dockerHost) && !File.Exists("/var/run/docker.sock"))
        {
            return (null, "No MongoDB server here: set COACHING_MONGODB_URI (e.g. mongodb://localhost:27017/?replicaSet=rs0), or run where a Docker " +
                "engine is reachable and a throwaway replica set is started, to run the Mongo leg of the store contract.");
        }

        var image = Environment.GetEnvironmentVariable("COACHING_MONGODB_IMAGE") is { Length: > 0 } chosen ? chosen : DefaultImage;
        try
        {
            var container = new Testcontainers.MongoDb.MongoDbBuilder(image).WithReplicaSet("rs0").Build();
            container.StartAsync().GetAwaiter().GetResult();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return (container.GetConnectionString(), null);
        }
#pragma warning disable CA1031 // Any failure to start the container means "no server", reported as the skip reason.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return (null, $"A Docker engine is configured but MongoDB ({image}) could not be started: {e.Message}");
        }
    }
}
