using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite;

/// <summary>
/// What this process last read of the catalog (a coach, an offering, a weekly schedule), each tagged with the catalog version
/// read just before it. A lookup reads the version (one tiny statement) and serves the entry only when it was read at that
/// version; triggers count every catalog change, whichever process or connection makes it, so a change elsewhere is never
/// missed. The row read after the version is at least that new, so an entry is never older than its tag.
/// </summary>
internal sealed class CatalogCache
{
    /// <summary>Entries kept; beyond it the cache starts again (a catalog this large reads from the database).</summary>
    private const int MaxEntries = 50_000;

    private readonly ConcurrentDictionary<string, (long Version, object? Value)> _entries = new(StringComparer.Ordinal);

    /// <summary>The entry under <paramref name="key"/> if read at the current version; otherwise <paramref name="load"/> reads it.</summary>
    public async Task<T?> GetAsync<T>(SqliteConnection connection, string key, Func<SqliteConnection, Task<T?>> load, CancellationToken ct)
        where T : class
    {
        long version;
        using (var read = connection.Command("SELECT version FROM catalog_version WHERE id = 1"))
        {
            version = (long)(await read.ExecuteScalarAsync(ct))!;
        }

        if (_entries.TryGetValue(key, out var entry) && entry.Version == version)
        {
            return (T?)entry.Value;
        }

        var value = await load(connection);
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[key] = (version, value);
        return value;
    }
}
