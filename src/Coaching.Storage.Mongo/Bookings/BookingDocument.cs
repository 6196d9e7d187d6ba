using Coaching.Domain.Bookings;
using Coaching.Domain.Common;
using NodaTime;

using Coaching.Storage.Mongo.Outbox;

namespace Coaching.Storage.Mongo.Bookings;

/// <summary>
/// A booking in <c>bookings</c>. While active it carries <see cref="Claims"/>: one key per 5-minute cell of
/// its blocked time, <c>"{coach}:{cell}"</c>, under a unique multikey index, so inserting the booking is itself
/// the overlap check across all documents. Leaving the active states unsets the field in the same update.
/// </summary>
public sealed class BookingDocument
{
    public const string Collection = "bookings";

    public string Id { get; set; } = string.Empty;

    public string CoachId { get; set; } = string.Empty;

    public string OfferingId { get; set; } = string.Empty;

    public string ClientId { get; set; } = string.Empty;

    public DateTime StartTime { get; set; }

    public DateTime EndTime { get; set; }

    public DateTime BlockStart { get; set; }

    public DateTime BlockEnd { get; set; }

    public long BufferBeforeSeconds { get; set; }

    public long BufferAfterSeconds { get; set; }

    public string CoachTimeZone { get; set; } = string.Empty;

    public string Agenda { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    public string CoachName { get; set; } = string.Empty;

    public string CoachEmail { get; set; } = string.Empty;

    public string ClientName { get; set; } = string.Empty;

    public string ClientEmail { get; set; } = string.Empty;

    public int InviteSequence { get; set; } = -1;

    /// <summary>The newest iCalendar messages emitted, each pushed in the same update as the change that emitted it.</summary>
    public List<InviteDocument> Invites { get; set; } = [];

    public int State { get; set; }

    /// <summary>Outbox entries of changes not yet moved into the log (see <c>MongoOutboxStore</c>); null or empty once relayed.</summary>
    public List<OutboxEntryDocument>? Outbox { get; set; }

    /// <summary>True while <see cref="Outbox"/> holds entries: the relay's partial index.</summary>
    public bool? OutboxPending { get; set; }

    /// <summary>The newest history events; the older ones are records (see <see cref="BookingArchive"/>).</summary>
    public List<BookingEventDocument> History { get; set; } = [];

    /// <summary>How many of the oldest history events live in <c>booking_records</c>.</summary>
    public int HistoryArchived { get; set; }

    /// <summary>How many of the oldest invites live in <c>booking_records</c>.</summary>
    public int InvitesArchived { get; set; }

    public List<string>? Claims { get; set; }

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public static BookingDocument From(Booking b, IReadOnlyList<string>? claims, IdempotencyKey? key) => new()
    {
        Id = b.Id,
        CoachId = b.CoachId,
        OfferingId = b.OfferingId,
        ClientId = b.ClientId,
        StartTime = b.Start.ToDateTimeUtc(),
        EndTime = b.End.ToDateTimeUtc(),
        BlockStart = b.BlockStart.ToDateTimeUtc(),
        BlockEnd = b.BlockEnd.ToDateTimeUtc(),
        BufferBeforeSeconds = (long)b.BufferBefore.TotalSeconds,
        BufferAfterSeconds = (long)b.BufferAfter.TotalSeconds,
        CoachTimeZone = b.CoachTimeZoneId,
        Agenda = b.Agenda,
        Title = b.Title,
        CoachName = b.CoachName,
        CoachEmail = b.CoachEmail,
        ClientName = b.ClientName,
        ClientEmail = b.ClientEmail,
        InviteSequence = b.InviteSequence,
        State = (int)b.State,
        History = [.. b.History.Select(BookingEventDocument.From)],
        Claims = claims is null ? null : [.. claims],
        CreateTime = b.CreateTime.ToDateTimeUtc(),
        UpdateTime = b.UpdateTime.ToDateTimeUtc(),
        Version = b.Version,
        RequestScope = key?.Scope,
        RequestId = key?.RequestId,
        RequestFingerprint = key?.Fingerprint,
    };

    public Booking ToDomain() => new()
    {
        Id = Id,
        CoachId = CoachId,
        OfferingId = OfferingId,
        ClientId = ClientId,
        Start = Instant.FromDateTimeUtc(StartTime),
        End = Instant.FromDateTimeUtc(EndTime),
        BufferBefore = Duration.FromSeconds(BufferBeforeSeconds),
        BufferAfter = Duration.FromSeconds(BufferAfterSeconds),
        CoachTimeZoneId = CoachTimeZone,
        Agenda = Agenda,
        Title = Title,
        CoachName = CoachName,
        CoachEmail = CoachEmail,
        ClientName = ClientName,
        ClientEmail = ClientEmail,
        InviteSequence = InviteSequence,
        State = (BookingState)State,
        History = [.. History.Select(h => h.ToDomain())],
        CreateTime = Instant.FromDateTimeUtc(CreateTime),
        UpdateTime = Instant.FromDateTimeUtc(UpdateTime),
        Version = Version,
    };
}
