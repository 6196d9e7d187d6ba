using Coaching.Domain.Coaches;
using Coaching.Domain.Courses;
using Coaching.Storage.Contract;
using Coaching.Storage.Mongo.Coaches;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>The store contract against a live MongoDB, when <c>COACHING_MONGODB_URI</c> names one.</summary>
public sealed class MongoCoachStoreTests : CoachStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override async Task<ICoachStore> CreateStoreAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return new MongoCoachStore(_mongo);
    }

    protected override Task DisposeStoreAsync() => MongoTestServer.DropAsync(_mongo!);
}

/// <summary>The availability store contract against a live MongoDB, when <c>COACHING_MONGODB_URI</c> names one.</summary>
public sealed class MongoAvailabilityStoreTests : Coaching.Storage.Contract.AvailabilityStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override async Task<(ICoachStore Coaches, Coaching.Domain.Availability.IAvailabilityStore Availability)> CreateStoresAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return (new MongoCoachStore(_mongo), new Availability.MongoAvailabilityStore(_mongo));
    }

    protected override Task DisposeStoresAsync() => MongoTestServer.DropAsync(_mongo!);
}

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

/// <summary>The booking store contract against a live MongoDB, when <c>COACHING_MONGODB_URI</c> names one.</summary>
public sealed class MongoBookingStoreTests : Coaching.Storage.Contract.BookingStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override async Task<Stores> CreateStoresAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return new Stores(new MongoCoachStore(_mongo), new Bookings.MongoBookingStore(_mongo), new Bookings.MongoBookedTimeReader(_mongo),
            new Calendar.MongoFeedStore(_mongo));
    }

    protected override Task DisposeStoresAsync() => MongoTestServer.DropAsync(_mongo!);
}

/// <summary>The course store contract against a live MongoDB, when <c>COACHING_MONGODB_URI</c> names one.</summary>
public sealed class MongoCourseStoreTests : Coaching.Storage.Contract.CourseStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override IEnrolmentInviteStore Invites => new Courses.MongoEnrolmentInviteStore(_mongo!);

    protected override (Coaching.Domain.Coaches.ICoachStore Coaches, Coaching.Domain.Bookings.IBookingStore Bookings) Commitments =>
        (new MongoCoachStore(_mongo!), new Bookings.MongoBookingStore(_mongo!));

    protected override async Task<Coaching.Domain.Courses.ICourseStore> CreateStoreAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return new Courses.MongoCourseStore(_mongo);
    }

    protected override Task DisposeStoreAsync() => MongoTestServer.DropAsync(_mongo!);
}
