using SQLitePCL;

namespace Coaching.Storage.Sqlite;

/// <summary>
/// Process-wide settings of the SQLite library, applied before its first connection opens (SQLite accepts them only
/// before it initialises; <see cref="SqliteDatabase"/> applies them when the first one is created).
/// </summary>
/// <remarks>
/// Memory statistics are turned off. With them on (SQLite's default) every allocation and free of every connection takes
/// one process-wide mutex to count bytes; under load the group-committing writer spent most of its sleeps waiting for that
/// mutex while request threads allocated for their reads (an off-CPU profile of the writer: 648 of 738 sleeps, in
/// <c>sqlite3Malloc</c> and <c>sqlite3_free</c>). Without them SQLite's memory figures (<c>sqlite3_memory_used</c>,
/// <c>sqlite3_status64</c>) read zero and its heap limits are not enforced; the store uses none of them.
/// </remarks>
internal static class SqliteRuntime
{
    private static readonly Lazy<bool> Configured = new(Configure);

    /// <summary>
    /// Applies the settings once per process; true when SQLite took them, false when something in the process had opened a
    /// connection first (SQLite then runs with its defaults, which are correct, only slower under contention).
    /// </summary>
    public static bool EnsureConfigured() => Configured.Value;

    private static bool Configure()
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK;
    }
}
