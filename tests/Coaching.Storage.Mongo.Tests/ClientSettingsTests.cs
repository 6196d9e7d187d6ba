using System.Net;
using System.Reflection;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Connections;
using MongoDB.Driver.Core.Servers;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>What the store asks of the server, checked without one.</summary>
public class ClientSettingsTests
{
    [Fact]
    public void Settings_MajorityJournaledWrites_PrimaryLocalReads_Retries()
    {
        var settings = MongoStore.ClientSettings(MongoUrl.Create("mongodb://db1,db2,db3/coaching?replicaSet=rs0&readConcernLevel=majority"));

        Assert.Equal(WriteConcern.WValue.Parse("majority"), settings.WriteConcern.W);
        Assert.True(settings.WriteConcern.Journal);
        Assert.Equal(ReadConcernLevel.Local, settings.ReadConcern.Level);
        Assert.Equal(ReadPreferenceMode.Primary, settings.ReadPreference.ReadPreferenceMode);
        Assert.True(settings.RetryWrites);
        Assert.True(settings.RetryReads);
    }

    [Fact]
    public void Connect_NamesTheDatabaseFromThePath_OrCoaching()
    {
        Assert.Equal("prod", MongoStore.Connect("mongodb://localhost:27017/prod").Database.DatabaseNamespace.DatabaseName);
        Assert.Equal("coaching", MongoStore.Connect("mongodb://localhost:27017").Database.DatabaseNamespace.DatabaseName);
        Assert.Equal("other", MongoStore.Connect("mongodb://localhost:27017/prod", "other").Database.DatabaseNamespace.DatabaseName);
    }

    [Fact]
    public void DuplicateKey_RecognisedFromAWriteError_NotFromAWriteConcernErrorAlone()
    {
        var connection = new ConnectionId(new ServerId(new ClusterId(), new DnsEndPoint("localhost", 27017)));
        var duplicate = New<WriteError>(ServerErrorCategory.DuplicateKey, 11000, "E11000 duplicate key error", new BsonDocument());
        var concern = New<WriteConcernError>(64, "WriteConcernFailed", "waiting for replication timed out", new BsonDocument(), Array.Empty<string>());

        Assert.True(MongoErrors.IsDuplicateKey(new MongoWriteException(connection, duplicate, null, null)));
        Assert.False(MongoErrors.IsDuplicateKey(new MongoWriteException(connection, null, concern, null)));
    }

    // The driver keeps these constructors internal; the test builds the shapes a server answer would produce.
    private static T New<T>(params object[] args) =>
        (T)typeof(T).GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .Single(c => c.GetParameters().Length == args.Length)
            .Invoke(args);
}

public class BackoffTests
{
    [Fact]
    public void Ceiling_GrowsExponentially_AndIsCapped()
    {
        Assert.Equal([5, 10, 20, 40, 80, 160, 200, 200], Enumerable.Range(0, 8).Select(a => (int)Backoff.Ceiling(a).TotalMilliseconds));
        Assert.Equal(200, (int)Backoff.Ceiling(int.MaxValue).TotalMilliseconds);
    }
}
