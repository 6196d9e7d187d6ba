using Coaching.Domain.Bookings;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>
/// One run of a course. Invariants, enforced whenever a cohort is made or changed (construction, <c>with</c>,
/// <see cref="Create"/>, <see cref="Change"/>): a display name of 1..200 characters on one line; an IANA time zone;
/// 1..1000 seats; 1..50 sessions, in order, non-overlapping, each 15 min..8 h long, starting and lasting whole 5-minute
/// steps between 2000 and 2200; 1..10 distinct teaching coaches; enrolment opens before it closes. Enrolled ≤ capacity
/// at every instant is the store's to keep. <see cref="EnrolledCount"/> and <see cref="WaitlistCount"/> are read from the
/// store, never written by callers.
/// </summary>
/// <remarks>
/// <see cref="Create"/> and <see cref="Change"/> report every invalid field at once; a single field that breaks its rule
/// anywhere else throws at once too, so no invalid cohort exists.
/// </remarks>
public sealed record Cohort
{
    private const string P = "cohort";
    private readonly string _displayName = string.Empty;
    private readonly string _timeZoneId = "UTC";
    private readonly IReadOnlyList<CohortSession> _sessions = [];
    private readonly IReadOnlyList<string> _coachIds = [];
    private readonly int _capacity;
    private readonly Instant _enrolmentOpen;
    private readonly Instant _enrolmentClose;

    /// <summary>Identifier (a ULID).</summary>
    public required string Id { get; init; }

    /// <summary>The course it runs.</summary>
    public required string CourseId { get; init; }

    /// <summary>The name people see, e.g. "January evenings".</summary>
    public required string DisplayName { get => _displayName; init => _displayName = Guarded(value, CheckDisplayName); }

    /// <summary>The IANA zone its sessions are shown in.</summary>
    public required string TimeZoneId { get => _timeZoneId; init => _timeZoneId = Guarded(value, CheckTimeZone); }

    /// <summary>The scheduled sessions, in order.</summary>
    public required IReadOnlyList<CohortSession> Sessions { get => _sessions; init => _sessions = Guarded(value, CheckSessions); }

    /// <summary>The coaches who teach it.</summary>
    public required IReadOnlyList<string> CoachIds { get => _coachIds; init => _coachIds = Guarded(value, CheckCoaches); }

    /// <summary>Seats; more people wait in line.</summary>
    public required int Capacity { get => _capacity; init => _capacity = Guarded(value, CheckCapacity); }

    /// <summary>When enrolment opens.</summary>
    public required Instant EnrolmentOpen
    {
        get => _enrolmentOpen;
        init => _enrolmentOpen = Guarded(value, (v, open) => CheckWindow(v, open, _enrolmentClose));
    }

    /// <summary>When enrolment closes (exclusive).</summary>
    public required Instant EnrolmentClose
    {
        get => _enrolmentClose;
        init => _enrolmentClose = Guarded(value, (v, close) => CheckWindow(v, _enrolmentOpen, close));
    }

    /// <summary>Where the cohort is in its lifecycle.</summary>
    public required CohortState State { get; init; }

    /// <summary>People holding a seat (read from the store).</summary>
    public required int EnrolledCount { get; init; }

    /// <summary>People waiting (read from the store).</summary>
    public required int WaitlistCount { get; init; }

    /// <summary>When it was created.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary>When it last changed.</summary>
    public required Instant UpdateTime { get; init; }

    /// <summary>Grows by one with every change; the etag.</summary>
    public required long Version { get; init; }

    /// <summary>
    /// For a cohort of the events course: its event's profile, written in the same document or row as the cohort, so one
    /// conditional write changes both (the event store keeps a copy for discovery). Null for every other cohort, and for events
    /// made before profiles moved here, whose profile is the event store's until they next change.
    /// </summary>
    public Events.EventProfile? Event { get; init; }

    /// <summary>The resource name.</summary>
    public string Name => ResourceNames.Cohort(CourseId, Id);

    /// <summary>The etag.</summary>
    public string Etag => Etags.Of(Version);

    /// <summary>
    /// Most people waiting for a seat of one cohort. Beyond this a seat is too unlikely to be worth the wait, and the line (kept in
    /// the cohort's own document on MongoDB) stays small.
    /// </summary>
    public const int MaxWaitlist = 500;

    /// <summary>Longest cohort session.</summary>
    public static readonly Duration LongestSession = Duration.FromHours(8);

    private static readonly Instant Earliest = Instant.FromUtc(2000, 1, 1, 0, 0);
    private static readonly Instant Latest = Instant.FromUtc(2200, 1, 1, 0, 0);

    /// <summary>Seats still free.</summary>
    public int SeatsLeft => Math.Max(0, Capacity - EnrolledCount);

    /// <summary>
    /// The coach time the cohort holds: every 5-minute cell of every session for every teaching coach, under the same keys as
    /// bookings' (<see cref="ClaimKeys.Cells"/>), so one uniqueness rule in the store refuses any overlap between a session and a
    /// booking or another cohort's session of the same coach. None once cancelled.
    /// </summary>
    public IReadOnlyList<string> TimeClaims => State == CohortState.Cancelled
        ? []
        : [.. CoachIds.SelectMany(coach => Sessions.SelectMany(session => ClaimKeys.Cells(coach, session.Start, session.End)))];

    /// <summary>
    /// A new cohort of course <paramref name="courseId"/>: a draft unless a state is given; enrolment opens now and closes at
    /// the first session unless given; never born cancelled.
    /// </summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT naming every bad field.</exception>
    public static Cohort Create(string id, string courseId, CohortDraft draft, Instant now)
    {
        var sessions = draft.Sessions ?? [];
        var v = Inspect((draft.DisplayName ?? string.Empty).Trim(), draft.TimeZoneId ?? string.Empty, sessions, draft.CoachIds ?? [], draft.Capacity ?? 0,
            draft.EnrolmentOpen ?? now, draft.EnrolmentClose ?? (sessions.Count > 0 ? sessions[0].Start : now));
        v.Require(draft.State != CohortState.Cancelled, $"{P}.state", "a new cohort cannot start cancelled");
        v.ThrowIfAny();
        return new Cohort
        {
            Id = id, CourseId = courseId, DisplayName = (draft.DisplayName ?? string.Empty).Trim(), TimeZoneId = draft.TimeZoneId!,
            Sessions = sessions, CoachIds = draft.CoachIds!, Capacity = draft.Capacity!.Value,
            EnrolmentOpen = draft.EnrolmentOpen ?? now, EnrolmentClose = draft.EnrolmentClose ?? sessions[0].Start,
            State = draft.State ?? CohortState.Draft, EnrolledCount = 0, WaitlistCount = 0, CreateTime = now, UpdateTime = now, Version = 1,
        };
    }

    /// <summary>Refuses an enrolment unless the cohort is open and <paramref name="now"/> lies in its enrolment window.</summary>
    /// <exception cref="DomainException">FAILED_PRECONDITION COHORT_CANCELLED, COHORT_NOT_OPEN, ENROLMENT_NOT_OPEN_YET or ENROLMENT_CLOSED.</exception>
    public void EnsureTakesEnrolments(Instant now)
    {
        switch (State)
        {
            case CohortState.Cancelled:
                throw CourseErrors.CohortCancelled(Name, "The cohort is cancelled.");
            case not CohortState.Open:
                throw CourseErrors.CohortNotOpen(Name);
        }

        if (now < EnrolmentOpen)
        {
            throw CourseErrors.EnrolmentNotOpenYet(Name);
        }

        if (now >= EnrolmentClose)
        {
            throw CourseErrors.EnrolmentClosed(Name);
        }
    }

    /// <summary>This cohort with the fields <paramref name="changes"/> sets, one version later.</summary>
    /// <exception cref="DomainException">FAILED_PRECONDITION COHORT_CANCELLED once cancelled; INVALID_ARGUMENT naming every bad field.</exception>
    public Cohort Change(CohortDraft changes, Instant now)
    {
        if (State == CohortState.Cancelled)
        {
            throw CourseErrors.CohortCancelled(Name, "A cancelled cohort cannot change.");
        }

        var displayName = changes.DisplayName?.Trim() ?? DisplayName;
        var timeZone = changes.TimeZoneId ?? TimeZoneId;
        var sessions = changes.Sessions ?? Sessions;
        var coaches = changes.CoachIds ?? CoachIds;
        var capacity = changes.Capacity ?? Capacity;
        var open = changes.EnrolmentOpen ?? EnrolmentOpen;
        var close = changes.EnrolmentClose ?? EnrolmentClose;
        Inspect(displayName, timeZone, sessions, coaches, capacity, open, close).ThrowIfAny();
        return this with
        {
            DisplayName = displayName, TimeZoneId = timeZone, Sessions = sessions, CoachIds = coaches, Capacity = capacity,
            // Both ends of the window may move past each other: clear one end, set the other, then set it (checked as a pair).
            EnrolmentOpen = default, EnrolmentClose = close, State = changes.State ?? State, UpdateTime = now, Version = checked(Version + 1),
        } with { EnrolmentOpen = open };
    }

    /// <summary>Every violation of the cohort rules by these values.</summary>
    private static Violations Inspect(string displayName, string timeZone, IReadOnlyList<CohortSession> sessions, IReadOnlyList<string> coaches,
        int capacity, Instant open, Instant close)
    {
        var v = new Violations();
        CheckDisplayName(v, displayName);
        CheckTimeZone(v, timeZone);
        CheckCapacity(v, capacity);
        CheckWindow(v, open, close);
        CheckSessions(v, sessions);
        CheckCoaches(v, coaches);
        return v;
    }

    private static T Guarded<T>(T value, Action<Violations, T> check)
    {
        var v = new Violations();
        check(v, value);
        v.ThrowIfAny();
        return value;
    }

    private static void CheckDisplayName(Violations v, string displayName) => v.SingleLine(displayName, $"{P}.display_name", 1, 200);

    private static void CheckTimeZone(Violations v, string timeZone) =>
        v.Require(DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone) is not null, $"{P}.time_zone", $"'{Text.Excerpt(timeZone)}' is not an IANA time zone id");

    private static void CheckCapacity(Violations v, int capacity) => v.Require(capacity is >= 1 and <= 1000, $"{P}.capacity", "must be between 1 and 1000");

    // While an object initializer runs, the other end may not be set yet (the default instant); it is checked when it is.
    private static void CheckWindow(Violations v, Instant open, Instant close) =>
        v.Require(open == default || close == default || close > open, $"{P}.enrolment_close_time", "must be after enrolment_open_time");

    private static void CheckCoaches(Violations v, IReadOnlyList<string> coaches) =>
        v.Require(coaches.Count is >= 1 and <= 10 && coaches.Distinct().Count() == coaches.Count, $"{P}.coaches", "1..10 distinct teaching coaches");

    private static void CheckSessions(Violations v, IReadOnlyList<CohortSession> sessions)
    {
        v.Require(sessions.Count is >= 1 and <= 50, $"{P}.sessions", "a cohort has 1..50 sessions");
        var previousEnd = (Instant?)null;
        for (var i = 0; i < sessions.Count; i++)
        {
            var s = sessions[i];
            var minutes = s.Duration.TotalMinutes;
            var durationOk = s.Duration >= Duration.FromMinutes(15) && s.Duration <= LongestSession && minutes % 5 == 0 && s.Duration.SubsecondNanoseconds == 0;
            var startOk = s.Start >= Earliest && s.Start <= Latest;
            v.Require(durationOk, $"{P}.sessions[{i}].duration", "must be 15 minutes..8 hours, a multiple of 5 minutes");
            v.Require(startOk, $"{P}.sessions[{i}].start_time", "must be between 2000-01-01 and 2200-01-01");
            v.Require(s.Start.ToUnixTimeTicks() % (NodaConstants.TicksPerMinute * 5) == 0, $"{P}.sessions[{i}].start_time", "must be on a 5-minute boundary");
            v.FreeText(s.Title, $"{P}.sessions[{i}].title", 200);
            if (!durationOk || !startOk)
            {
                previousEnd = null;
                continue;
            }

            v.Require(previousEnd is null || s.Start >= previousEnd, $"{P}.sessions[{i}].start_time", "sessions must be in order and must not overlap");
            previousEnd = s.End;
        }
    }
}
