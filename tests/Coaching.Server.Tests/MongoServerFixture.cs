using Coaching.Storage.Mongo.Tests;
using Microsoft.AspNetCore.Hosting;
using MongoDB.Driver;

namespace Coaching.Server.Tests;

[CollectionDefinition(Name)]
public sealed class UsesMongoServer : ICollectionFixture<MongoServerFixture>
{
    public const string Name = "mongo-server";
}

/// <summary>
/// The real server in memory on MongoDB, a database of its own on the live test server (<c>COACHING_MONGODB_URI</c>, or a
/// throwaway replica set where Docker runs). Without one, its tests report themselves skipped with the reason.
/// </summary>
public sealed class MongoServerFixture : ServerFixture
{
    private readonly string _database = $"coaching_server_test_{Guid.NewGuid():N}";

    public override string? SkipReason => MongoTestServer.SkipReason;

    protected override IWebHostBuilder Configure(IWebHostBuilder web) => web
        .UseSetting("Coaching:Store", "mongodb")
        .UseSetting("Coaching:MongoDb:ConnectionString", new MongoUrlBuilder(MongoTestServer.Uri) { DatabaseName = _database }.ToString());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (SkipReason is null)
        {
            using var client = new MongoClient(MongoTestServer.Uri);
            await client.DropDatabaseAsync(_database);
        }
    }
}
