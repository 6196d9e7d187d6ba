using Coaching.Domain.Calendar;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Storage.Mongo.Outbox;

/// <summary>An outbox entry: embedded in the document whose change recorded it, then, relayed, in <c>outbox_log</c>.</summary>
public sealed class OutboxEntryDocument
{
    public string Id { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public string Resource { get; set; } = string.Empty;

    public List<string> Audience { get; set; } = [];

    public byte[] Payload { get; set; } = [];

    public MailDocument? Mail { get; set; }

    public DateTime CreateTime { get; set; }

    public static OutboxEntryDocument From(OutboxEntry e) => new()
    {
        Id = e.Id, Type = e.Type, Resource = e.Resource, Audience = [.. e.Audience], Payload = e.Payload,
        Mail = e.Mail is { } m ? MailDocument.From(m) : null, CreateTime = e.Time.ToDateTimeUtc(),
    };

    public OutboxEntry ToDomain() => new(Id, Type, Resource, Audience, Payload, Mail?.ToDomain(), Instant.FromDateTimeUtc(CreateTime));
}

/// <summary>The invite to e-mail of an entry.</summary>
public sealed class MailDocument
{
    public int Method { get; set; }

    public string Uid { get; set; } = string.Empty;

    public int Sequence { get; set; }

    public byte[] Invite { get; set; } = [];

    public string AttendeeName { get; set; } = string.Empty;

    public string AttendeeEmail { get; set; } = string.Empty;

    public string OrganizerName { get; set; } = string.Empty;

    public string OrganizerEmail { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    public DateTime Start { get; set; }

    public DateTime End { get; set; }

    public string TimeZoneId { get; set; } = string.Empty;

    public static MailDocument From(MailOrder m) => new()
    {
        Method = (int)m.Method, Uid = m.Uid, Sequence = m.Sequence, Invite = m.Invite, AttendeeName = m.AttendeeName,
        AttendeeEmail = m.AttendeeEmail, OrganizerName = m.OrganizerName, OrganizerEmail = m.OrganizerEmail, Title = m.Title,
        Start = m.Start.ToDateTimeUtc(), End = m.End.ToDateTimeUtc(), TimeZoneId = m.TimeZoneId,
    };

    public MailOrder ToDomain() => new((InviteMethod)Method, Uid, Sequence, Invite, AttendeeName, AttendeeEmail, OrganizerName,
        OrganizerEmail, Title, Instant.FromDateTimeUtc(Start), Instant.FromDateTimeUtc(End), TimeZoneId);
}

/// <summary>One entry of the ordered log (<c>outbox_log</c>): the entry id is the document id, the position is unique.</summary>
public sealed class LogDocument
{
    public const string Collection = "outbox_log";

    public string Id { get; set; } = string.Empty;

    public long Position { get; set; }

    public OutboxEntryDocument Entry { get; set; } = new();

    public DateTime CreateTime { get; set; }
}

/// <summary>The log's counters and the relay's lease (<c>outbox_state</c>, one document <c>log</c>).</summary>
public sealed class OutboxStateDocument
{
    public const string Collection = "outbox_state";

    public const string LogId = "log";

    public string Id { get; set; } = LogId;

    /// <summary>The last position given.</summary>
    public long LastPosition { get; set; }

    /// <summary>The process relaying entries into the log, and until when.</summary>
    public string RelayOwner { get; set; } = string.Empty;

    public DateTime RelayUntil { get; set; }
}

/// <summary>One delivery (<c>deliveries</c>).</summary>
public sealed class DeliveryDocument
{
    public const string Collection = "deliveries";

    public string Id { get; set; } = string.Empty;

    public long Position { get; set; }

    public string EntryId { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public string Resource { get; set; } = string.Empty;

    public int Channel { get; set; }

    public string Recipient { get; set; } = string.Empty;

    public string Role { get; set; } = string.Empty;

    public string Stream { get; set; } = string.Empty;

    public int State { get; set; }

    public int Attempts { get; set; }

    public string LastError { get; set; } = string.Empty;

    public DateTime CreateTime { get; set; }

    public DateTime NextAttempt { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTime? LeaseUntil { get; set; }

    public static DeliveryDocument From(Delivery d) => new()
    {
        Id = d.Id, Position = d.Position, EntryId = d.EntryId, Type = d.Type, Resource = d.Resource, Channel = (int)d.Channel, Recipient = d.Recipient,
        Role = d.Role, Stream = d.Stream, State = (int)d.State, Attempts = d.Attempts, LastError = d.LastError, CreateTime = d.CreateTime.ToDateTimeUtc(),
        NextAttempt = d.NextAttempt.ToDateTimeUtc(),
    };

    public Delivery ToDomain() => new(Id, Position, EntryId, Type, Resource, (DeliveryChannel)Channel, Recipient, Role, (DeliveryState)State, Attempts,
        LastError, Instant.FromDateTimeUtc(CreateTime), Instant.FromDateTimeUtc(NextAttempt));
}

/// <summary>A webhook endpoint (<c>webhooks</c>).</summary>
public sealed class WebhookDocument
{
    public const string Collection = "webhooks";

    public string Id { get; set; } = string.Empty;

    public string Url { get; set; } = string.Empty;

    public List<string> EventTypes { get; set; } = [];

    public bool Active { get; set; }

    public string Secret { get; set; } = string.Empty;

    public DateTime CreateTime { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public Webhook ToDomain() => new(Id, Url, EventTypes, Active, Secret, Instant.FromDateTimeUtc(CreateTime));
}
