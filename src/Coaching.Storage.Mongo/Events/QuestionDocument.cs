using Coaching.Domain.Events;
using Coaching.Storage.Mongo.Outbox;
using NodaTime;

namespace Coaching.Storage.Mongo.Events;

/// <summary>
/// A question in <c>event_questions</c>. <see cref="Voters"/> holds each voter once (an update adds a voter only where they are
/// absent, and moves <see cref="Votes"/> in the same write); it is bounded by the event's live registrations. A deleted question is
/// marked <see cref="Deleted"/> in the update that records its entry, and removed once the relay moved that entry to the log.
/// </summary>
public sealed class QuestionDocument
{
    public const string Collection = "event_questions";

    public string Id { get; set; } = string.Empty;

    public string EventId { get; set; } = string.Empty;

    public string AuthorId { get; set; } = string.Empty;

    public string Text { get; set; } = string.Empty;

    public bool Anonymous { get; set; }

    public int State { get; set; }

    public string MergedInto { get; set; } = string.Empty;

    public int Votes { get; set; }

    public List<string> Voters { get; set; } = [];

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    public string RequestScope { get; set; } = string.Empty;

    public string RequestId { get; set; } = string.Empty;

    public string RequestFingerprint { get; set; } = string.Empty;

    public bool? Deleted { get; set; }

    public List<OutboxEntryDocument>? Outbox { get; set; }

    public bool? OutboxPending { get; set; }

    /// <summary>A question as stored, without voters or pending entries.</summary>
    public static QuestionDocument From(Question q, Domain.Common.IdempotencyKey key) => new()
    {
        Id = q.Id, EventId = q.EventId, AuthorId = q.AuthorId, Text = q.Text, Anonymous = q.Anonymous, State = (int)q.State, MergedInto = q.MergedInto,
        Votes = q.Votes, CreateTime = q.CreateTime.ToDateTimeUtc(), UpdateTime = q.UpdateTime.ToDateTimeUtc(), Version = q.Version,
        RequestScope = key.Scope, RequestId = key.RequestId, RequestFingerprint = key.Fingerprint,
    };

    /// <summary>A new question carrying the entry that announces it.</summary>
    public static QuestionDocument From(Question q, Domain.Common.IdempotencyKey key, Domain.Outbox.OutboxEntry announced)
    {
        var document = From(q, key);
        document.Outbox = [OutboxEntryDocument.From(announced)];
        document.OutboxPending = true;
        return document;
    }

    public Question ToDomain() => new()
    {
        Id = Id, EventId = EventId, AuthorId = AuthorId, Text = Text, Anonymous = Anonymous, State = (QuestionState)State, MergedInto = MergedInto,
        Votes = Votes, CreateTime = Instant.FromDateTimeUtc(DateTime.SpecifyKind(CreateTime, DateTimeKind.Utc)),
        UpdateTime = Instant.FromDateTimeUtc(DateTime.SpecifyKind(UpdateTime, DateTimeKind.Utc)), Version = Version,
    };
}
