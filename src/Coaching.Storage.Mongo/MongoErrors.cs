using MongoDB.Driver;

namespace Coaching.Storage.Mongo;

/// <summary>How the stores recognise a server's refusals.</summary>
public static class MongoErrors
{
    /// <summary>The write broke a unique index. False when the exception carries only a write-concern error (no write error).</summary>
    public static bool IsDuplicateKey(MongoWriteException e) => e.WriteError?.Category == ServerErrorCategory.DuplicateKey;

    /// <summary>A findAndModify broke a unique index (it reports through a command error, code 11000).</summary>
    public static bool IsDuplicateKey(MongoCommandException e) => e.Code == 11000;
}
