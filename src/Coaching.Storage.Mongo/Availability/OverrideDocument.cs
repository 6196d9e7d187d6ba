using Coaching.Domain.Availability;
using Coaching.Domain.Common;
using NodaTime;
using NodaTime.Text;

namespace Coaching.Storage.Mongo.Availability;

/// <summary>A date override in <c>date_overrides</c>; dates as ISO strings so string order is date order.</summary>
public sealed class OverrideDocument
{
    public const string Collection = "date_overrides";

    /// <summary>The element that marks a deleted override kept only until the relay has moved its last entry.</summary>
    public const string DeletedElement = "deleted";

    /// <summary>Outbox entries of changes not yet moved into the log (see <c>MongoOutboxStore</c>).</summary>
    public List<Outbox.OutboxEntryDocument>? Outbox { get; set; }

    /// <summary>True while <see cref="Outbox"/> holds entries: the relay's partial index.</summary>
    public bool? OutboxPending { get; set; }

    /// <summary>
    /// True once deleted: the document stays, invisible to every read, only to carry the entry announcing its deletion (a deleted
    /// document could carry nothing); the relay removes it after moving that entry into the log.
    /// </summary>
    public bool? Deleted { get; set; }

    public string Id { get; set; } = string.Empty;

    public string CoachId { get; set; } = string.Empty;

    public string StartDate { get; set; } = string.Empty;

    public string EndDate { get; set; } = string.Empty;

    public int Kind { get; set; }

    public List<WindowDocument> Windows { get; set; } = [];

    public string Reason { get; set; } = string.Empty;

    public DateTime CreateTime { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public static string Date(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static OverrideDocument From(DateOverride o, IdempotencyKey? key) => new()
    {
        Id = o.Id,
        CoachId = o.CoachId,
        StartDate = Date(o.StartDate),
        EndDate = Date(o.EndDate),
        Kind = (int)o.Kind,
        Windows = [.. o.Windows.Select(w => new WindowDocument { Start = w.StartMinute, End = w.EndMinute })],
        Reason = o.Reason,
        CreateTime = o.CreateTime.ToDateTimeUtc(),
        RequestScope = key?.Scope,
        RequestId = key?.RequestId,
        RequestFingerprint = key?.Fingerprint,
    };

    public DateOverride ToDomain() => new()
    {
        Id = Id,
        CoachId = CoachId,
        StartDate = LocalDatePattern.Iso.Parse(StartDate).Value,
        EndDate = LocalDatePattern.Iso.Parse(EndDate).Value,
        Kind = (OverrideKind)Kind,
        Windows = [.. Windows.Select(w => new DayWindow(w.Start, w.End))],
        Reason = Reason,
        CreateTime = Instant.FromDateTimeUtc(CreateTime),
    };
}
