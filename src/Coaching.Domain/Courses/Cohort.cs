using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>Lifecycle of a cohort.</summary>
public enum CohortState
{
    /// <summary>Being prepared; only admins see it.</summary>
    Draft = 1,

    /// <summary>Accepting enrolments inside its window.</summary>
    Open = 2,

    /// <summary>No longer accepting enrolments.</summary>
    Closed = 3,

    /// <summary>Cancelled; final.</summary>
    Cancelled = 4,
}

/// <summary>One scheduled session of a cohort.</summary>
public sealed record CohortSession(Instant Start, Duration Duration, string Title)
{
    /// <summary>End of the session.</summary>
    public Instant End => Start + Duration;
}

/// <summary>
/// One run of a course. Invariants: 1..1000 seats; sessions non-overlapping, ordered, 15 min..8 h, multiples of 5 minutes;
/// enrolment opens before it closes; enrolled ≤ capacity at every instant (enforced by the store's atomic writes).
/// <see cref="EnrolledCount"/> and <see cref="WaitlistCount"/> are read from the store, never written by callers.
/// </summary>
public sealed record Cohort
{
    public required string Id { get; init; }

    public required string CourseId { get; init; }

    public required string DisplayName { get; init; }

    public required string TimeZoneId { get; init; }

    public required IReadOnlyList<CohortSession> Sessions { get; init; }

    public required IReadOnlyList<string> CoachIds { get; init; }

    public required int Capacity { get; init; }

    public required Instant EnrolmentOpen { get; init; }

    public required Instant EnrolmentClose { get; init; }

    public required CohortState State { get; init; }

    public required int EnrolledCount { get; init; }

    public required int WaitlistCount { get; init; }

    public required Instant CreateTime { get; init; }

    public required Instant UpdateTime { get; init; }

    public required long Version { get; init; }

    public string Name => $"courses/{CourseId}/cohorts/{Id}";

    public string Etag => Etags.Of(Version);

    /// <summary>Longest cohort session.</summary>
    public static readonly Duration LongestSession = Duration.FromHours(8);

    private static readonly Instant Earliest = Instant.FromUtc(2000, 1, 1, 0, 0);
    private static readonly Instant Latest = Instant.FromUtc(2200, 1, 1, 0, 0);

    /// <summary>Seats still free.</summary>
    public int SeatsLeft => Math.Max(0, Capacity - EnrolledCount);

    /// <summary>Validates every field (after create or update).</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT naming each bad field.</exception>
    public void Validate()
    {
        const string p = "cohort";
        var v = new Violations();
        v.SingleLine(DisplayName, $"{p}.display_name", 1, 200);
        v.Require(DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZoneId) is not null, $"{p}.time_zone", $"'{Text.Excerpt(TimeZoneId)}' is not an IANA time zone id");
        v.Require(Capacity is >= 1 and <= 1000, $"{p}.capacity", "must be between 1 and 1000");
        v.Require(EnrolmentClose > EnrolmentOpen, $"{p}.enrolment_close_time", "must be after enrolment_open_time");
        v.Require(Sessions.Count is >= 1 and <= 50, $"{p}.sessions", "a cohort has 1..50 sessions");
        v.Require(CoachIds.Count is >= 1 and <= 10 && CoachIds.Distinct().Count() == CoachIds.Count, $"{p}.coaches", "1..10 distinct teaching coaches");
        var previousEnd = (Instant?)null;
        for (var i = 0; i < Sessions.Count; i++)
        {
            var s = Sessions[i];
            var minutes = s.Duration.TotalMinutes;
            var durationOk = s.Duration >= Duration.FromMinutes(15) && s.Duration <= LongestSession && minutes % 5 == 0 && s.Duration.SubsecondNanoseconds == 0;
            var startOk = s.Start >= Earliest && s.Start <= Latest;
            v.Require(durationOk, $"{p}.sessions[{i}].duration", "must be 15 minutes..8 hours, a multiple of 5 minutes");
            v.Require(startOk, $"{p}.sessions[{i}].start_time", "must be between 2000-01-01 and 2200-01-01");
            v.Require(s.Start.ToUnixTimeTicks() % (NodaConstants.TicksPerMinute * 5) == 0, $"{p}.sessions[{i}].start_time", "must be on a 5-minute boundary");
            v.FreeText(s.Title, $"{p}.sessions[{i}].title", 200);
            if (!durationOk || !startOk)
            {
                previousEnd = null;
                continue;
            }

            v.Require(previousEnd is null || s.Start >= previousEnd, $"{p}.sessions[{i}].start_time", "sessions must be in order and must not overlap");
            previousEnd = s.End;
        }

        v.ThrowIfAny();
    }
}
