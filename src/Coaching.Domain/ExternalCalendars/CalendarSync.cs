using Coaching.Domain.Coaches;
using NodaTime;

namespace Coaching.Domain.ExternalCalendars;

/// <summary>How external calendars are kept fresh.</summary>
/// <param name="Interval">Between background syncs of one connection (jittered by up to a fifth).</param>
/// <param name="Horizon">How far ahead busy time is read (the longest booking horizon).</param>
/// <param name="KeepFor">How long a failing calendar's last busy time is kept; then it is dropped and the connection is stale.</param>
/// <param name="Lease">How long one process may take to sync a connection before another may.</param>
public sealed record CalendarSyncOptions(Duration Interval, Duration Horizon, Duration KeepFor, Duration Lease)
{
    /// <summary>Every 10 minutes, a year and a month ahead, kept 3 days, leases of 2 minutes.</summary>
    public static CalendarSyncOptions Default { get; } = new(Duration.FromMinutes(10), Duration.FromDays(400), Duration.FromDays(3), Duration.FromMinutes(2));
}

/// <summary>
/// Syncs one connection: takes its lease (so among several servers one fetches it), fetches with its ETag, reads the busy time
/// for the window the service needs, and records the outcome with the new busy time in one write. A failure keeps the last busy
/// time until <see cref="CalendarSyncOptions.KeepFor"/> has passed since the last success.
/// </summary>
public sealed class CalendarSync(ICalendarConnectionStore store, ICalendarFetcher fetcher, IExternalBusyParser parser, ISecretBox secrets,
    ICoachStore coaches, IClock clock, CalendarSyncOptions options)
{
    /// <summary>The options in force.</summary>
    public CalendarSyncOptions Options => options;

    /// <summary>Syncs the connection unless another process holds its lease; the connection as recorded, or null when skipped.</summary>
    public async Task<CalendarConnection?> SyncAsync(string coachId, string connectionId, string owner, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var leased = await store.LeaseAsync(coachId, connectionId, owner, now, now + options.Lease, ct);
        if (leased is null)
        {
            return null;
        }

        var coach = await coaches.GetCoachAsync(coachId, ct);
        var zone = coach is null ? DateTimeZone.Utc : DateTimeZoneProviders.Tzdb.GetZoneOrNull(coach.TimeZoneId) ?? DateTimeZone.Utc;
        var (synced, busy) = await ReadAsync(leased, zone, now, ct);
        var next = now + options.Interval + Duration.FromMilliseconds(Random.Shared.NextInt64((long)(options.Interval.TotalMilliseconds / 5) + 1));
        synced = synced with { LastAttemptTime = now, NextSyncTime = next, LeaseOwner = null, LeaseUntil = null };
        return await store.RecordAsync(synced, owner, busy, ct) ? synced : null;
    }

    private async Task<(CalendarConnection Synced, IReadOnlyList<Interval>? Busy)> ReadAsync(CalendarConnection c, DateTimeZone zone, Instant now,
        CancellationToken ct)
    {
        FetchResult fetched;
        try
        {
            var credentials = c.SealedCredentials is { } sealedCredentials ? secrets.Open(sealedCredentials).Split('\n', 2) : null;
            fetched = await fetcher.FetchAsync(c.Source, new Uri(secrets.Open(c.SealedUrl)), credentials is null ? null : (credentials[0], credentials[1]),
                c.Validator, ct);
        }
        catch (ExternalCalendarException e)
        {
            fetched = new FetchResult.Failed(e.Message);
        }

        switch (fetched)
        {
            case FetchResult.NotModified:
                return (c with { Health = ConnectionHealth.Healthy, LastSuccessTime = now, LastError = string.Empty }, null);
            case FetchResult.Content content:
                try
                {
                    var read = parser.Parse(content.Text, zone, new Interval(now - Duration.FromDays(1), now + options.Horizon));
                    var note = read.Truncated ? $"Only the first {read.Busy.Count} busy stretches were kept: the calendar repeats too often." : string.Join(' ', read.Problems);
                    return (c with
                    {
                        Health = ConnectionHealth.Healthy, LastSuccessTime = now, LastError = note, Validator = content.Validator,
                        EventCount = read.Events, BusyCount = read.Busy.Count,
                    }, read.Busy);
                }
                catch (ExternalCalendarException e)
                {
                    return Failed(c, e.Message, now);
                }

            case FetchResult.Failed failed:
                return Failed(c, failed.Reason, now);
            default:
                throw new InvalidOperationException($"Unknown fetch result {fetched.GetType().Name}.");
        }
    }

    // A failure keeps the last busy time for a while; once that has run out, none is kept and the connection is stale.
    private (CalendarConnection, IReadOnlyList<Interval>?) Failed(CalendarConnection c, string reason, Instant now)
    {
        var since = c.LastSuccessTime ?? c.CreateTime;
        return now - since > options.KeepFor
            ? (c with { Health = ConnectionHealth.Stale, LastError = reason, BusyCount = 0, Validator = string.Empty }, [])
            : (c with { Health = ConnectionHealth.Failing, LastError = reason }, null);
    }
}
