using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Coaches;

/// <summary>
/// A session type a coach offers. Invariants: duration 5 min..8 h, buffers 0..4 h, minimum notice and
/// cancellation cut-off 0..30 days, booking horizon 1..365 days and longer than the notice, caps ≥ 0
/// (0 = no cap); durations and buffers multiples of 5 minutes, the rest whole minutes.
/// </summary>
public sealed record Offering
{
    /// <summary>
    /// Session lengths and buffers are multiples of this many minutes: the stores claim a coach's time in cells of
    /// this size, so blocked times that merely touch never share a cell.
    /// </summary>
    public const int CellMinutes = 5;

    /// <summary>Longest session.</summary>
    public static readonly Duration MaxDuration = Duration.FromHours(8);

    /// <summary>Longest buffer on either side of a session.</summary>
    public static readonly Duration MaxBuffer = Duration.FromHours(4);

    /// <summary>Longest time one booking can block: the longest session with both buffers at their longest.</summary>
    public static readonly Duration LongestBlock = MaxDuration + MaxBuffer + MaxBuffer;

    /// <summary>Horizon used when the caller sends none.</summary>
    public static readonly Duration DefaultHorizon = Duration.FromDays(60);

    /// <summary>Resource id (last segment of the name).</summary>
    public required string Id { get; init; }

    /// <summary>Owning coach id.</summary>
    public required string CoachId { get; init; }

    /// <summary>Title; the invite SUMMARY.</summary>
    public required string Title { get; init; }

    /// <summary>Description.</summary>
    public required string Description { get; init; }

    /// <summary>Session length.</summary>
    public required Duration Duration { get; init; }

    /// <summary>Time kept free before a session.</summary>
    public required Duration BufferBefore { get; init; }

    /// <summary>Time kept free after a session.</summary>
    public required Duration BufferAfter { get; init; }

    /// <summary>Least time between booking and start.</summary>
    public required Duration MinimumNotice { get; init; }

    /// <summary>Furthest ahead a start may be booked.</summary>
    public required Duration BookingHorizon { get; init; }

    /// <summary>Most active sessions per coach-local day; 0 = no cap.</summary>
    public required int DailyCap { get; init; }

    /// <summary>Most active sessions per coach-local ISO week; 0 = no cap.</summary>
    public required int WeeklyCap { get; init; }

    /// <summary>Whether new bookings wait for the coach.</summary>
    public required bool RequiresConfirmation { get; init; }

    /// <summary>Clients may cancel until this long before the start.</summary>
    public required Duration CancellationCutoff { get; init; }

    /// <summary>Creation time.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary>Last change.</summary>
    public required Instant UpdateTime { get; init; }

    /// <summary>Stored version, starting at 1.</summary>
    public required long Version { get; init; }

    /// <summary>The resource name.</summary>
    public string Name => ResourceNames.Offering(CoachId, Id);

    /// <summary>The etag.</summary>
    public string Etag => Etags.Of(Version);

    /// <summary>Validates a draft and builds a new offering (version 1).</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT listing every invalid field.</exception>
    public static Offering Create(string id, string coachId, OfferingDraft draft, Instant now)
    {
        var offering = new Offering
        {
            Id = id,
            CoachId = coachId,
            Title = (draft.Title ?? string.Empty).Trim(),
            Description = draft.Description ?? string.Empty,
            Duration = draft.Duration ?? Duration.Zero,
            BufferBefore = draft.BufferBefore ?? Duration.Zero,
            BufferAfter = draft.BufferAfter ?? Duration.Zero,
            MinimumNotice = draft.MinimumNotice ?? Duration.Zero,
            BookingHorizon = draft.BookingHorizon is { } h && h != Duration.Zero ? h : DefaultHorizon,
            DailyCap = draft.DailyCap ?? 0,
            WeeklyCap = draft.WeeklyCap ?? 0,
            RequiresConfirmation = draft.RequiresConfirmation ?? false,
            CancellationCutoff = draft.CancellationCutoff ?? Duration.Zero,
            CreateTime = now,
            UpdateTime = now,
            Version = 1,
        };
        offering.Validate();
        return offering;
    }

    /// <summary>Applies the given changes (null members stay unchanged) and validates the result.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT listing every invalid field.</exception>
    public Offering Apply(OfferingDraft changes, Instant now)
    {
        var updated = this with
        {
            Title = changes.Title?.Trim() ?? Title,
            Description = changes.Description ?? Description,
            Duration = changes.Duration ?? Duration,
            BufferBefore = changes.BufferBefore ?? BufferBefore,
            BufferAfter = changes.BufferAfter ?? BufferAfter,
            MinimumNotice = changes.MinimumNotice ?? MinimumNotice,
            BookingHorizon = changes.BookingHorizon ?? BookingHorizon,
            DailyCap = changes.DailyCap ?? DailyCap,
            WeeklyCap = changes.WeeklyCap ?? WeeklyCap,
            RequiresConfirmation = changes.RequiresConfirmation ?? RequiresConfirmation,
            CancellationCutoff = changes.CancellationCutoff ?? CancellationCutoff,
            UpdateTime = now,
        };
        updated.Validate();
        return updated;
    }

    private void Validate()
    {
        const string p = "offering";
        var v = new Violations();
        v.SingleLine(Title, $"{p}.title", 1, 200);
        v.FreeText(Description, $"{p}.description", 5000);
        Minutes(v, Duration, $"{p}.duration", Duration.FromMinutes(5), MaxDuration, CellMinutes);
        Minutes(v, BufferBefore, $"{p}.buffer_before", Duration.Zero, MaxBuffer, CellMinutes);
        Minutes(v, BufferAfter, $"{p}.buffer_after", Duration.Zero, MaxBuffer, CellMinutes);
        Minutes(v, MinimumNotice, $"{p}.minimum_notice", Duration.Zero, Duration.FromDays(30));
        Minutes(v, BookingHorizon, $"{p}.booking_horizon", Duration.FromDays(1), Duration.FromDays(365));
        Minutes(v, CancellationCutoff, $"{p}.cancellation_cutoff", Duration.Zero, Duration.FromDays(30));
        v.Require(BookingHorizon > MinimumNotice, $"{p}.booking_horizon", "must be longer than minimum_notice");
        v.Require(DailyCap is >= 0 and <= 100, $"{p}.daily_cap", "must be between 0 (no cap) and 100");
        v.Require(WeeklyCap is >= 0 and <= 500, $"{p}.weekly_cap", "must be between 0 (no cap) and 500");
        v.ThrowIfAny();
    }

    private static void Minutes(Violations v, Duration value, string field, Duration min, Duration max, int multipleOf = 1)
    {
        if (value < min || value > max)
        {
            v.Add(field, $"must be between {Describe(min)} and {Describe(max)}");
        }
        else if (value.BclCompatibleTicks % (NodaConstants.TicksPerMinute * multipleOf) != 0)
        {
            v.Add(field, multipleOf == 1 ? "must be a whole number of minutes" : $"must be a multiple of {multipleOf} minutes");
        }
    }

    private static string Describe(Duration d) =>
        d == Duration.Zero ? "0" :
        d.Days > 0 && d == Duration.FromDays(d.Days) ? $"{d.Days} days" :
        d.TotalMinutes >= 60 && d.TotalMinutes % 60 == 0 ? $"{d.TotalHours} hours" : $"{d.TotalMinutes} minutes";
}
