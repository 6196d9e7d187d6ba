using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.ExternalCalendars;

/// <summary>Where an external calendar is read from.</summary>
public enum CalendarSource
{
    /// <summary>An iCalendar subscription URL (a "secret address").</summary>
    Ics = 1,

    /// <summary>A CalDAV calendar collection, read with credentials.</summary>
    CalDav = 2,
}

/// <summary>How a connection's last syncs went.</summary>
public enum ConnectionHealth
{
    /// <summary>Not synced yet.</summary>
    Pending = 1,

    /// <summary>The last sync succeeded (or the calendar had not changed).</summary>
    Healthy = 2,

    /// <summary>The last sync failed; the busy time of the last good one is kept.</summary>
    Failing = 3,

    /// <summary>Failing for longer than the busy time is kept: none is kept, and the coach is flagged.</summary>
    Stale = 4,
}

/// <summary>
/// A coach's external calendar. Its URL (which is itself a secret) is kept only sealed; <see cref="UrlHint"/> (scheme and host) is
/// what responses and logs show. <see cref="Validator"/> is the HTTP ETag of the last calendar read. A sync is leased to one
/// process at a time (<see cref="LeaseOwner"/> until <see cref="LeaseUntil"/>), so several servers fetch each calendar once per
/// interval between them.
/// </summary>
public sealed record CalendarConnection
{
    /// <summary>Identifier (a ULID).</summary>
    public required string Id { get; init; }

    /// <summary>The coach whose time it blocks.</summary>
    public required string CoachId { get; init; }

    /// <summary>Where it is read from.</summary>
    public required CalendarSource Source { get; init; }

    /// <summary>The URL, sealed (see <see cref="ISecretBox"/>).</summary>
    public required byte[] SealedUrl { get; init; }

    /// <summary>For CalDAV, the user name and password (user, a line break, password), sealed; null for ICS.</summary>
    public byte[]? SealedCredentials { get; init; }

    /// <summary>Scheme and host of the URL, for people: never the path or query (where the secret is).</summary>
    public required string UrlHint { get; init; }

    /// <summary>How the syncs went.</summary>
    public required ConnectionHealth Health { get; init; }

    /// <summary>The last sync attempt.</summary>
    public required Instant? LastAttemptTime { get; init; }

    /// <summary>The last sync that read the calendar (or learnt it had not changed).</summary>
    public required Instant? LastSuccessTime { get; init; }

    /// <summary>Events in the calendar when last read.</summary>
    public required int EventCount { get; init; }

    /// <summary>Busy intervals kept from it.</summary>
    public required int BusyCount { get; init; }

    /// <summary>Why the last sync failed (safe to show: never the URL); empty after a success.</summary>
    public required string LastError { get; init; }

    /// <summary>The ETag of the last calendar read (ICS, sent back as If-None-Match), or the collection's ctag (CalDAV).</summary>
    public required string Validator { get; init; }

    /// <summary>When the next background sync is due.</summary>
    public required Instant NextSyncTime { get; init; }

    /// <summary>The process holding the sync lease, if any.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>When that lease runs out.</summary>
    public Instant? LeaseUntil { get; init; }

    /// <summary>Creation time.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary><c>coaches/{coach}/calendarConnections/{id}</c>.</summary>
    public string Name => NameOf(CoachId, Id);

    /// <summary><c>coaches/{coach}/calendarConnections/{id}</c>.</summary>
    public static string NameOf(string coachId, string id) => $"{ResourceNames.Coach(coachId)}/calendarConnections/{id}";
}

/// <summary>One busy stretch kept from a connection.</summary>
public sealed record ExternalBusyBlock(string CoachId, string ConnectionId, Interval Busy);

/// <summary>Seals and opens secrets kept at rest (a calendar URL, credentials) with a key from configuration.</summary>
public interface ISecretBox
{
    /// <summary>The sealed form of <paramref name="secret"/>.</summary>
    byte[] Seal(string secret);

    /// <summary>The secret in <paramref name="sealedSecret"/>.</summary>
    /// <exception cref="ExternalCalendarException">Sealed with another key, or damaged.</exception>
    string Open(byte[] sealedSecret);
}

/// <summary>
/// Persistence of calendar connections and the busy time kept from them. A sync replaces a connection's busy time in the same
/// write that records its outcome, and only while the syncing process still holds the lease.
/// </summary>
public interface ICalendarConnectionStore
{
    /// <summary>Inserts a connection; a request key used before returns the original.</summary>
    Task<CreateResult<CalendarConnection>> CreateAsync(CalendarConnection connection, IdempotencyKey? key, CancellationToken cancellationToken);

    /// <summary>The connection, or null.</summary>
    Task<CalendarConnection?> GetAsync(string coachId, string id, CancellationToken cancellationToken);

    /// <summary>A coach's connections, by id.</summary>
    Task<IReadOnlyList<CalendarConnection>> ListAsync(string coachId, CancellationToken cancellationToken);

    /// <summary>Deletes a connection and everything kept from it; false when it was not there.</summary>
    Task<bool> DeleteAsync(string coachId, string id, CancellationToken cancellationToken);

    /// <summary>Connections whose sync is due at <paramref name="now"/> and not leased, soonest first.</summary>
    Task<IReadOnlyList<CalendarConnection>> ListDueAsync(Instant now, int limit, CancellationToken cancellationToken);

    /// <summary>Takes the sync lease of a connection (free, run out, or already <paramref name="owner"/>'s); null when another holds it.</summary>
    Task<CalendarConnection?> LeaseAsync(string coachId, string id, string owner, Instant now, Instant until, CancellationToken cancellationToken);

    /// <summary>
    /// Records a sync's outcome and frees the lease, if <paramref name="owner"/> still holds it: the connection's new state and, when
    /// <paramref name="busy"/> is given, its busy time replaced by it (null keeps what is kept). False when the lease was lost.
    /// </summary>
    Task<bool> RecordAsync(CalendarConnection synced, string owner, IReadOnlyList<Interval>? busy, CancellationToken cancellationToken);

    /// <summary>The busy time kept for the given coaches that overlaps <c>[rangeStart, rangeEnd)</c>, in one query.</summary>
    Task<IReadOnlyList<ExternalBusyBlock>> ListBusyAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart, Instant rangeEnd,
        CancellationToken cancellationToken);
}

/// <summary>What a fetch of a calendar URL gave.</summary>
public abstract record FetchResult
{
    /// <summary>The calendar, with its ETag (empty when the server sent none).</summary>
    public sealed record Content(string Text, string Validator) : FetchResult;

    /// <summary>Unchanged since the ETag sent (HTTP 304).</summary>
    public sealed record NotModified : FetchResult;

    /// <summary>A failure, described without the URL.</summary>
    public sealed record Failed(string Reason) : FetchResult;
}

/// <summary>Fetches calendar URLs under the service's safety rules (schemes, targets, size and time limits).</summary>
public interface ICalendarFetcher
{
    /// <summary>Checks a URL before it is stored: null when acceptable, else why not (safe to show).</summary>
    string? Refuse(Uri url);

    /// <summary>
    /// Fetches a calendar, conditionally on <paramref name="validator"/> when not empty: an ICS URL as it is; a CalDAV collection as
    /// its events (one calendar), unless its ctag is still <paramref name="validator"/>.
    /// </summary>
    Task<FetchResult> FetchAsync(CalendarSource source, Uri url, (string User, string Password)? credentials, string validator, CancellationToken cancellationToken);
}
