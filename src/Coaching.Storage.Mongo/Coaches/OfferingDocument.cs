using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Storage.Mongo.Coaches;

/// <summary>An offering as stored in the <c>offerings</c> collection; durations in whole seconds.</summary>
public sealed class OfferingDocument
{
    /// <summary>Collection name.</summary>
    public const string Collection = "offerings";

    public string Id { get; set; } = string.Empty;

    public string CoachId { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    public long DurationSeconds { get; set; }

    public long BufferBeforeSeconds { get; set; }

    public long BufferAfterSeconds { get; set; }

    public long MinimumNoticeSeconds { get; set; }

    public long BookingHorizonSeconds { get; set; }

    public int DailyCap { get; set; }

    public int WeeklyCap { get; set; }

    public bool RequiresConfirmation { get; set; }

    public long CancellationCutoffSeconds { get; set; }

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public DateTime? DeleteTime { get; set; }

    public long Version { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public static OfferingDocument From(Offering o, IdempotencyKey? key) => new()
    {
        Id = o.Id,
        CoachId = o.CoachId,
        Title = o.Title,
        Description = o.Description,
        DurationSeconds = Seconds(o.Duration),
        BufferBeforeSeconds = Seconds(o.BufferBefore),
        BufferAfterSeconds = Seconds(o.BufferAfter),
        MinimumNoticeSeconds = Seconds(o.MinimumNotice),
        BookingHorizonSeconds = Seconds(o.BookingHorizon),
        DailyCap = o.DailyCap,
        WeeklyCap = o.WeeklyCap,
        RequiresConfirmation = o.RequiresConfirmation,
        CancellationCutoffSeconds = Seconds(o.CancellationCutoff),
        CreateTime = o.CreateTime.ToDateTimeUtc(),
        UpdateTime = o.UpdateTime.ToDateTimeUtc(),
        Version = o.Version,
        RequestScope = key?.Scope,
        RequestId = key?.RequestId,
        RequestFingerprint = key?.Fingerprint,
    };

    public Offering ToDomain() => new()
    {
        Id = Id,
        CoachId = CoachId,
        Title = Title,
        Description = Description,
        Duration = Duration.FromSeconds(DurationSeconds),
        BufferBefore = Duration.FromSeconds(BufferBeforeSeconds),
        BufferAfter = Duration.FromSeconds(BufferAfterSeconds),
        MinimumNotice = Duration.FromSeconds(MinimumNoticeSeconds),
        BookingHorizon = Duration.FromSeconds(BookingHorizonSeconds),
        DailyCap = DailyCap,
        WeeklyCap = WeeklyCap,
        RequiresConfirmation = RequiresConfirmation,
        CancellationCutoff = Duration.FromSeconds(CancellationCutoffSeconds),
        CreateTime = Instant.FromDateTimeUtc(CreateTime),
        UpdateTime = Instant.FromDateTimeUtc(UpdateTime),
        Version = Version,
    };

    internal static long Seconds(Duration d) => (long)d.TotalSeconds;
}
