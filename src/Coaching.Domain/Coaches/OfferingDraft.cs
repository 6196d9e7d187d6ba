using NodaTime;

namespace Coaching.Domain.Coaches;

/// <summary>Offering fields as given by a caller; on update, null means "leave unchanged".</summary>
public sealed record OfferingDraft(
    string? Title = null,
    string? Description = null,
    Duration? Duration = null,
    Duration? BufferBefore = null,
    Duration? BufferAfter = null,
    Duration? MinimumNotice = null,
    Duration? BookingHorizon = null,
    int? DailyCap = null,
    int? WeeklyCap = null,
    bool? RequiresConfirmation = null,
    Duration? CancellationCutoff = null);
