using System.Security.Cryptography;
using Coaching.Domain.Common;
using Coaching.Domain.Identity;
using NodaTime;

namespace Coaching.Domain.Outbox;

/// <summary>What a watcher sees of one entry.</summary>
public enum EventView
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>The event as recorded.</summary>
    Full,

    /// <summary>An <c>availability.changed</c> of the coach-local dates the booking touches, instead of the booking.</summary>
    AvailabilityOnly,
}

/// <summary>
/// Outbox use cases: what the event stream may show a caller, and the admins' view of deliveries and webhook endpoints.
/// </summary>
public sealed class DeliveryDesk(IOutboxStore store, IClock clock, IIdGenerator ids)
{
    /// <summary>Longest webhook URL accepted.</summary>
    public const int MaxUrlLength = 2000;

    /// <summary>Most event types one endpoint may name.</summary>
    public const int MaxEventTypes = 32;

    /// <summary>Every public event type.</summary>
    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "booking.created", "booking.confirmed", "booking.declined", "booking.cancelled", "booking.moved", "booking.completed", "booking.no_show",
        "enrolment.enrolled", "enrolment.waitlisted", "enrolment.promoted", "enrolment.withdrawn", "cohort.changed", "availability.changed",
        "question.created", "question.changed", "question.deleted", "registration.registered", "registration.waitlisted", "registration.promoted",
        "registration.withdrawn", "event.changed",
    };

    /// <summary>Whether <paramref name="caller"/> may read <paramref name="entry"/>: admins all, others what names them, everyone public changes.</summary>
    public static bool MaySee(Caller caller, OutboxEntry entry) =>
        entry.IsPublic && (caller.IsAdmin || entry.Audience.Any(a => a == OutboxEntry.Everyone
            || (caller.Role == Role.Client && a == ResourceNames.User(caller.UserId))
            || (caller.Role == Role.Coach && caller.CoachId is { } coach && a == ResourceNames.Coach(coach))));

    /// <summary>
    /// What <paramref name="caller"/> sees of <paramref name="entry"/> on the event stream: the event itself when they may read it;
    /// for someone else's booking, only that the coach's open slots on its dates may have changed; otherwise nothing.
    /// </summary>
    public static EventView ViewFor(Caller caller, OutboxEntry entry) =>
        MaySee(caller, entry) ? EventView.Full
        : entry.IsPublic && entry.Type.StartsWith("booking.", StringComparison.Ordinal) ? EventView.AvailabilityOnly
        : EventView.None;

    /// <summary>Checks a watch's filters.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT for an unknown type, a bad resource or a negative position.</exception>
    public static void CheckWatch(long afterPosition, IReadOnlyList<string> types, string? resource)
    {
        var v = new Violations();
        v.Require(afterPosition >= 0, "after_position", "must not be negative");
        v.Require(types.Count <= MaxEventTypes, "event_types", $"at most {MaxEventTypes} types");
        for (var i = 0; i < Math.Min(types.Count, MaxEventTypes); i++)
        {
            v.Require(EventTypes.Contains(types[i]), $"event_types[{i}]", $"'{Text.Excerpt(types[i])}' is not an event type");
        }

        v.Require(resource is null || (resource.Length <= 300 && resource.Split('/').Length % 2 == 0 && !resource.Split('/').Any(p => p.Length == 0)),
            "resource", "must be a resource name such as coaches/{coach} or bookings/{booking}");
        v.ThrowIfAny();
    }

    /// <summary>Whether a watch with these filters wants <paramref name="entry"/>.</summary>
    public static bool Matches(OutboxEntry entry, IReadOnlyCollection<string> types, string? resource) =>
        (types.Count == 0 || types.Contains(entry.Type))
        && (resource is null || entry.Resource == resource || entry.Resource.StartsWith($"{resource}/", StringComparison.Ordinal)
            || entry.Audience.Contains(resource));

    /// <summary>Where a watch begins: after <paramref name="afterPosition"/>, which must still be in the log.</summary>
    /// <exception cref="DomainException">OUT_OF_RANGE when events after the position were pruned.</exception>
    public async Task<long> StartOfWatchAsync(long afterPosition, bool latest, CancellationToken ct)
    {
        var (first, last) = await store.LogBoundsAsync(ct);
        if (latest)
        {
            return last;
        }

        if (afterPosition > 0 && afterPosition < first - 1)
        {
            throw new DomainException(ErrorKind.OutOfRange, "EVENTS_PRUNED",
                $"Events after position {afterPosition} are no longer retained (the oldest is {first}); read the current state again and watch with latest.",
                metadata: new Dictionary<string, string> { ["oldest_position"] = first.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        return afterPosition > last ? Fail.Invalid<long>("after_position", $"is beyond the newest event ({last})") : afterPosition;
    }

    /// <summary>Deliveries, newest first (admins).</summary>
    public async Task<Page<Delivery>> ListAsync(Caller caller, DeliveryState? state, DeliveryChannel? channel, string? resource, int pageSize,
        string? pageToken, CancellationToken ct)
    {
        caller.RequireAdmin("list deliveries");
        var v = new Violations();
        v.Require(resource is null || resource.Length <= 300, "resource", "at most 300 characters");
        v.ThrowIfAny();
        var filter = $"deliveries|{state}|{channel}|{resource}";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        (long, string)? before = null;
        if (page.After is { } after)
        {
            var cut = after.IndexOf(':', StringComparison.Ordinal);
            before = cut > 0 && long.TryParse(after.AsSpan(0, cut), System.Globalization.CultureInfo.InvariantCulture, out var position)
                ? (position, after[(cut + 1)..])
                : Fail.Invalid<(long, string)>("page_token", "is not a token of this list");
        }

        var rows = await store.ListDeliveriesAsync(new DeliveryQuery(state, channel, resource, before, page.Size + 1), ct);
        return Page.FromFetched(rows, page, d => $"{d.Position}:{d.Id}", filter);
    }

    /// <summary>Puts a dead delivery back in the queue (admins).</summary>
    /// <exception cref="DomainException">NOT_FOUND; FAILED_PRECONDITION when it is not dead.</exception>
    public async Task<Delivery> RetryAsync(Caller caller, string deliveryId, CancellationToken ct)
    {
        caller.RequireAdmin("retry deliveries");
        var name = $"deliveries/{deliveryId}";
        var (delivery, retried) = await store.RetryAsync(deliveryId, clock.GetCurrentInstant(), ct);
        if (delivery is null)
        {
            Fail.NotFound(name);
        }

        if (!retried)
        {
            throw Fail.Precondition("DELIVERY_NOT_DEAD", $"Only a dead delivery can be retried; {name} is {delivery.State.ToString().ToLowerInvariant()}.", name);
        }

        return delivery;
    }

    /// <summary>Registers a webhook endpoint with a new secret (admins); the URL's own safety is checked again on every call.</summary>
    public async Task<Webhook> CreateWebhookAsync(Caller caller, string? url, IReadOnlyList<string> eventTypes, bool active, string? requestId,
        CancellationToken ct)
    {
        caller.RequireAdmin("register webhooks");
        var v = new Violations();
        var parsed = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.UserInfo.Length == 0
            && string.IsNullOrEmpty(uri.Fragment);
        v.Require(!string.IsNullOrEmpty(url) && url.Length <= MaxUrlLength && parsed, "webhook.url",
            "must be an absolute http(s) URL without credentials or fragment, at most 2000 characters");
        v.Require(eventTypes.Count <= MaxEventTypes, "webhook.event_types", $"at most {MaxEventTypes} types");
        for (var i = 0; i < Math.Min(eventTypes.Count, MaxEventTypes); i++)
        {
            v.Require(EventTypes.Contains(eventTypes[i]), $"webhook.event_types[{i}]", $"'{Text.Excerpt(eventTypes[i])}' is not an event type");
        }

        v.ThrowIfAny();
        var types = eventTypes.Distinct().Order(StringComparer.Ordinal).ToList();
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false, url!, string.Join(',', types), active);
        var secret = $"whsec_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";
        var webhook = new Webhook(ids.NewId(), url!, types, active, secret, Instants.TruncateToMilliseconds(clock.GetCurrentInstant()));
        var result = await store.CreateWebhookAsync(webhook, key, ct);
        if (!result.Created && result.Fingerprint != key?.Fingerprint)
        {
            Fail.RequestIdReused(key!.RequestId);
        }

        return result.Value;
    }

    /// <summary>Webhook endpoints, without their secrets (admins).</summary>
    public async Task<Page<Webhook>> ListWebhooksAsync(Caller caller, int pageSize, string? pageToken, CancellationToken ct)
    {
        caller.RequireAdmin("list webhooks");
        var page = PageRequest.Parse(pageSize, pageToken, "webhooks");
        var rows = await store.ListWebhooksAsync(page.After, page.Size + 1, ct);
        return Page.FromFetched([.. rows.Select(w => w with { Secret = string.Empty })], page, w => w.Id, "webhooks");
    }

    /// <summary>Deletes an endpoint and drops its pending deliveries (admins).</summary>
    public async Task DeleteWebhookAsync(Caller caller, string webhookId, CancellationToken ct)
    {
        caller.RequireAdmin("delete webhooks");
        if (!await store.DeleteWebhookAsync(webhookId, ct))
        {
            Fail.NotFound($"webhooks/{webhookId}");
        }
    }
}
