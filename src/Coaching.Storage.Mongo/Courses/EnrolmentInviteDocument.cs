using Coaching.Domain.Calendar;
using NodaTime;

using Coaching.Storage.Mongo.Outbox;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>One enrolment message in <c>enrolment_invites</c>; the id "{enrolment}:{ordinal}" makes each SEQUENCE unique.</summary>
public sealed class EnrolmentInviteDocument
{
    public const string Collection = "enrolment_invites";

    public string Id { get; set; } = string.Empty;

    public string EnrolmentId { get; set; } = string.Empty;

    public string CohortId { get; set; } = string.Empty;

    public int Ordinal { get; set; }

    public int Method { get; set; }

    public int Sequence { get; set; }

    public string Uid { get; set; } = string.Empty;

    public byte[] Content { get; set; } = [];

    public DateTime CreateTime { get; set; }

    public string SessionsDigest { get; set; } = string.Empty;

    /// <summary>The message's outbox entry until the relay moved it into the log (see <c>MongoOutboxStore</c>).</summary>
    public List<OutboxEntryDocument>? Outbox { get; set; }

    /// <summary>True while <see cref="Outbox"/> holds an entry: the relay's partial index.</summary>
    public bool? OutboxPending { get; set; }

    public Invite ToDomain() => new(Ordinal, (InviteMethod)Method, Sequence, Uid, Content, Instant.FromDateTimeUtc(CreateTime));
}
