using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Identity;
using NodaTime;

namespace Coaching.Domain.ExternalCalendars;

/// <summary>
/// A coach's external calendars: the coach (or an admin for them) connects, lists, deletes and syncs them now. Busy time from them
/// blocks slots and bookings as fresh as the last sync.
/// </summary>
public sealed class CalendarConnectionDesk(ICalendarConnectionStore store, CalendarSync sync, ICalendarFetcher fetcher, ISecretBox secrets,
    ICoachStore coaches, IClock clock, IIdGenerator ids)
{
    /// <summary>Most connections per coach.</summary>
    public const int MaxPerCoach = 10;

    /// <summary>
    /// Connects an ICS subscription URL, or a CalDAV calendar collection with a user name and password, and syncs it at once (the
    /// answer says how that went).
    /// </summary>
    public async Task<CalendarConnection> CreateAsync(Caller caller, string coachId, CalendarSource? source, string? url, string? user, string? password,
        string? requestId, string owner, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "connect calendars for this coach");
        _ = await coaches.GetCoachAsync(coachId, ct) ?? Fail.NotFound<Coach>(ResourceNames.Coach(coachId));
        var v = new Violations();
        v.Require(!string.IsNullOrWhiteSpace(url), "calendar_connection.url", "is required");
        Uri? parsed = null;
        if (!string.IsNullOrWhiteSpace(url))
        {
            v.Require(url.Length <= 2000 && Uri.TryCreate(url.Trim(), UriKind.Absolute, out parsed), "calendar_connection.url", "must be an absolute URL of at most 2000 characters");
        }

        if (parsed is not null && fetcher.Refuse(parsed) is { } why)
        {
            v.Add("calendar_connection.url", why);
        }

        var kind = source ?? CalendarSource.Ics;
        if (kind == CalendarSource.CalDav)
        {
            v.SingleLine(user, "calendar_connection.username", 1, 200);
            v.Require(!string.IsNullOrEmpty(password) && password.Length <= 500 && !password.Contains('\n', StringComparison.Ordinal),
                "calendar_connection.password", "is required for CalDAV (at most 500 characters, one line)");
        }
        else
        {
            v.Require(string.IsNullOrEmpty(user) && string.IsNullOrEmpty(password), "calendar_connection.username",
                "is for CalDAV connections; an ICS URL carries its own secret");
        }

        v.ThrowIfAny();
        var existing = await store.ListAsync(coachId, ct);
        if (existing.Count >= MaxPerCoach)
        {
            throw Fail.Precondition("TOO_MANY_CALENDARS", $"A coach connects at most {MaxPerCoach} calendars.", ResourceNames.Coach(coachId));
        }

        var now = Instants.TruncateToMilliseconds(clock.GetCurrentInstant());
        var connection = new CalendarConnection
        {
            Id = ids.NewId(), CoachId = coachId, Source = kind, SealedUrl = secrets.Seal(parsed!.AbsoluteUri),
            SealedCredentials = kind == CalendarSource.CalDav ? secrets.Seal($"{user}\n{password}") : null,
            UrlHint = $"{parsed.Scheme}://{parsed.Host}/…", Health = ConnectionHealth.Pending, LastAttemptTime = null, LastSuccessTime = null,
            EventCount = 0, BusyCount = 0, LastError = string.Empty, Validator = string.Empty, NextSyncTime = now, CreateTime = now,
        };
        // The fingerprint covers the URL through its hash only: the key is stored, the URL is not (in the clear).
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false, coachId, kind, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{parsed.AbsoluteUri}\n{user}\n{password}"))));
        var created = await store.CreateAsync(connection, key, ct);
        if (key is not null && !created.Created && created.Fingerprint != key.Fingerprint)
        {
            Fail.RequestIdReused(key.RequestId);
        }

        if (!created.Created)
        {
            return created.Value;
        }

        return await sync.SyncAsync(coachId, connection.Id, owner, ct) ?? created.Value;
    }

    /// <summary>A coach's connections (the coach or an admin).</summary>
    public async Task<IReadOnlyList<CalendarConnection>> ListAsync(Caller caller, string coachId, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "see this coach's calendars");
        return await store.ListAsync(coachId, ct);
    }

    /// <summary>Deletes a connection and the busy time kept from it.</summary>
    public async Task DeleteAsync(Caller caller, string coachId, string id, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "disconnect this coach's calendars");
        if (!await store.DeleteAsync(coachId, id, ct))
        {
            Fail.NotFound(CalendarConnection.NameOf(coachId, id));
        }
    }

    /// <summary>Syncs a connection now; ABORTED when another process is syncing it at this moment.</summary>
    public async Task<CalendarConnection> SyncAsync(Caller caller, string coachId, string id, string owner, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "sync this coach's calendars");
        _ = await store.GetAsync(coachId, id, ct) ?? Fail.NotFound<CalendarConnection>(CalendarConnection.NameOf(coachId, id));
        return await sync.SyncAsync(coachId, id, owner, ct)
            ?? throw new DomainException(ErrorKind.Aborted, "SYNC_IN_PROGRESS", "Another server is syncing this calendar right now; try again in a moment.");
    }
}
