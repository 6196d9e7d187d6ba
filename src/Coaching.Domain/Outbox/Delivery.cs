using NodaTime;

namespace Coaching.Domain.Outbox;

/// <summary>Channel of a delivery.</summary>
public enum DeliveryChannel
{
    /// <summary>An e-mail.</summary>
    Email = 1,

    /// <summary>A webhook call.</summary>
    Webhook = 2,
}

/// <summary>State of a delivery.</summary>
public enum DeliveryState
{
    /// <summary>Waiting for its first or next attempt.</summary>
    Pending = 1,

    /// <summary>Accepted by the receiver.</summary>
    Delivered = 2,

    /// <summary>Failed permanently or out of attempts.</summary>
    Dead = 3,

    /// <summary>Nothing to send (e.g. no e-mail address); not a failure.</summary>
    Skipped = 4,
}

/// <summary>
/// One message for one recipient. Its id is derived from the entry, channel and recipient, so fanning an entry out twice
/// (after a crash) makes no second delivery. Deliveries of one <see cref="Stream"/> are made in log order.
/// </summary>
/// <param name="Id">Stable id.</param>
/// <param name="Position">The log position of its entry.</param>
/// <param name="EntryId">The entry's id.</param>
/// <param name="Type">The entry's type.</param>
/// <param name="Resource">The entry's resource.</param>
/// <param name="Channel">Channel.</param>
/// <param name="Recipient">The e-mail address, or <c>webhooks/{id}</c>.</param>
/// <param name="Role">For e-mail: <see cref="Attendee"/> or <see cref="Organizer"/>; for webhooks empty.</param>
/// <param name="State">State.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="LastError">The last failure, or why it was skipped.</param>
/// <param name="CreateTime">When it was fanned out.</param>
/// <param name="NextAttempt">Next attempt (pending), or when it ended.</param>
public sealed record Delivery(
    string Id,
    long Position,
    string EntryId,
    string Type,
    string Resource,
    DeliveryChannel Channel,
    string Recipient,
    string Role,
    DeliveryState State,
    int Attempts,
    string LastError,
    Instant CreateTime,
    Instant NextAttempt)
{
    /// <summary>The attendee's iMIP e-mail.</summary>
    public const string Attendee = "attendee";

    /// <summary>The organizer's notification e-mail.</summary>
    public const string Organizer = "organizer";

    /// <summary>Deliveries with the same stream are made in order of position.</summary>
    public string Stream => $"{Resource}|{(int)Channel}|{Recipient}";

    /// <summary>The resource name <c>deliveries/{id}</c>.</summary>
    public string Name => $"deliveries/{Id}";
}

/// <summary>What an attempt came to.</summary>
public abstract record DeliveryResult
{
    /// <summary>Accepted.</summary>
    public sealed record Delivered : DeliveryResult;

    /// <summary>A failure worth retrying (connection refused, timeout, SMTP 4xx, HTTP 5xx).</summary>
    public sealed record Temporary(string Error) : DeliveryResult;

    /// <summary>A failure no retry can fix (SMTP 5xx, HTTP 4xx, a refused address).</summary>
    public sealed record Permanent(string Error) : DeliveryResult;
}

/// <summary>Filter of <see cref="IOutboxStore.ListDeliveriesAsync"/>, newest first (position, id descending) after the cursor.</summary>
public sealed record DeliveryQuery(DeliveryState? State, DeliveryChannel? Channel, string? Resource, (long Position, string Id)? Before, int Limit);

/// <summary>The queue at a glance.</summary>
/// <param name="Pending">Deliveries waiting.</param>
/// <param name="OldestPending">When the oldest waiting one was recorded.</param>
/// <param name="Dead">Dead deliveries.</param>
/// <param name="Unplanned">Log entries not yet fanned out.</param>
public sealed record OutboxStats(long Pending, Instant? OldestPending, long Dead, long Unplanned);

/// <summary>How one attempt ended: the delivery's new state, attempts, error and next attempt.</summary>
public sealed record Settlement(string DeliveryId, DeliveryState State, int Attempts, string LastError, Instant NextAttempt);
