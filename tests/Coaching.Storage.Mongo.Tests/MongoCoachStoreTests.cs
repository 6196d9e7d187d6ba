using Coaching.Domain.Coaches;
using Coaching.Storage.Contract;
using Coaching.Storage.Mongo.Coaches;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>The store contract against a live MongoDB, when <c>COACHING_MONGODB_URI</c> names one.</summary>
public sealed class MongoCoachStoreTests : CoachStoreContract
{
    private static readonly string? Uri = Environment.GetEnvironmentVariable("COACHING_MONGODB_URI");
    private MongoStore? _mongo;

    protected override string? SkipReason => string.IsNullOrWhiteSpace(Uri)
        ? "No MongoDB server here: set COACHING_MONGODB_URI (e.g. mongodb://localhost:27017/?replicaSet=rs0) to run the Mongo leg of the store contract."
        : null;

    protected override async Task<ICoachStore> CreateStoreAsync()
    {
        var client = new MongoClient(Uri);
        _mongo = new MongoStore(client.GetDatabase($"coaching_test_{Guid.NewGuid():N}"));
        await _mongo.EnsureIndexesAsync(default);
        return new MongoCoachStore(_mongo);
    }

    protected override Task DisposeStoreAsync() =>
        _mongo!.Database.Client.DropDatabaseAsync(_mongo.Database.DatabaseNamespace.DatabaseName);
}
