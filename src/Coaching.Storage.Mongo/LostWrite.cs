using Coaching.Domain.Common;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo;

/// <summary>Why a version-filtered write matched no document.</summary>
internal static class LostWrite
{
    /// <summary>NOT_FOUND when no document matches <paramref name="exists"/>; otherwise ABORTED (the version moved on).</summary>
    public static async Task<DomainException> ExplainAsync<T>(IMongoCollection<T> collection, FilterDefinition<T> exists, string resourceName,
        CancellationToken ct) =>
        await collection.Find(exists).AnyAsync(ct) ? Fail.StaleEtagError(resourceName) : Fail.NotFoundError(resourceName);
}
