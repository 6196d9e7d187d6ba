using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using NodaTime;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>
/// A cohort, with its enrolments embedded: <see cref="Enrolled"/> (≤ capacity), <see cref="Waitlist"/> (FIFO, in the
/// order the server accepted requests) and <see cref="Withdrawn"/>. Because all three live in one document, enrol,
/// withdraw-and-promote and raise-capacity-and-promote are each a single atomic update.
/// Cohorts live in the <c>bookings</c> collection, marked <c>kind: "cohort"</c>: a cohort's sessions are commitments of
/// its teaching coaches, and its <see cref="Claims"/> (the same cell keys bookings hold) sit under the same unique
/// multikey index, so a session and a booking of one coach can never both be stored, whichever is written first, and
/// the claims change in the same single-document write as the sessions.
/// </summary>
public sealed class CohortDocument
{
    /// <summary>The collection: the one that holds every commitment of a coach.</summary>
    public const string Collection = Bookings.BookingDocument.Collection;

    /// <summary>The discriminator element; bookings do not have it.</summary>
    public const string KindElement = "kind";

    public const string CohortKind = "cohort";

    /// <summary>Prefix of the idempotency-key elements (bookings own the unprefixed names and their unique index).</summary>
    public const string RequestPrefix = "cohort_";

    public string Id { get; set; } = string.Empty;

    public string Kind { get; set; } = CohortKind;

    /// <summary>Cell claims of every session for every teaching coach; absent once cancelled.</summary>
    public List<string>? Claims { get; set; }

    /// <summary>Outbox entries of changes not yet moved into the log (see <c>MongoOutboxStore</c>).</summary>
    public List<Outbox.OutboxEntryDocument>? Outbox { get; set; }

    /// <summary>True while <see cref="Outbox"/> holds entries: the relay's partial index.</summary>
    public bool? OutboxPending { get; set; }

    public string CourseId { get; set; } = string.Empty;

    public string DisplayName { get; set; } = string.Empty;

    public string TimeZone { get; set; } = string.Empty;

    public List<SessionDocument> Sessions { get; set; } = [];

    public List<string> CoachIds { get; set; } = [];

    public int Capacity { get; set; }

    public DateTime OpenTime { get; set; }

    public DateTime CloseTime { get; set; }

    public int State { get; set; }

    public long NextArrival { get; set; } = 1;

    public List<EntryDocument> Enrolled { get; set; } = [];

    public List<EntryDocument> Waitlist { get; set; } = [];

    public List<EntryDocument> Withdrawn { get; set; } = [];

    /// <summary>The time of the latest entry change (join, withdrawal, promotion); null on documents from before it was kept.</summary>
    public DateTime? LastEntryTime { get; set; }

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    /// <summary>
    /// For a cohort of the events course: its event's profile, changed in the same single-document write as the cohort (the
    /// <c>event_profiles</c> collection holds a copy for discovery). Absent on other cohorts and on events not changed since it was added.
    /// </summary>
    public Events.EventDocument? Event { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public static CohortDocument From(Cohort c, IdempotencyKey? key) => new()
    {
        Id = c.Id, CourseId = c.CourseId, DisplayName = c.DisplayName, TimeZone = c.TimeZoneId,
        Sessions = [.. c.Sessions.Select(SessionDocument.From)], CoachIds = [.. c.CoachIds], Capacity = c.Capacity,
        OpenTime = c.EnrolmentOpen.ToDateTimeUtc(), CloseTime = c.EnrolmentClose.ToDateTimeUtc(), State = (int)c.State,
        CreateTime = c.CreateTime.ToDateTimeUtc(), UpdateTime = c.UpdateTime.ToDateTimeUtc(), Version = c.Version,
        RequestScope = key?.Scope, RequestId = key?.RequestId, RequestFingerprint = key?.Fingerprint, Claims = ClaimsOf(c),
        Event = c.Event is { } profile ? Events.EventDocument.From(profile) : null,
    };

    /// <summary>The claims to store for <paramref name="c"/>: null (no element) when it holds none.</summary>
    public static List<string>? ClaimsOf(Cohort c) => c.TimeClaims is { Count: > 0 } claims ? [.. claims] : null;

    public Cohort ToDomain() => new()
    {
        Id = Id, CourseId = CourseId, DisplayName = DisplayName, TimeZoneId = TimeZone, Sessions = [.. Sessions.Select(s => s.ToDomain())],
        CoachIds = CoachIds, Capacity = Capacity, EnrolmentOpen = Instant.FromDateTimeUtc(OpenTime), EnrolmentClose = Instant.FromDateTimeUtc(CloseTime),
        State = (CohortState)State, EnrolledCount = Enrolled.Count, WaitlistCount = Waitlist.Count,
        CreateTime = Instant.FromDateTimeUtc(CreateTime), UpdateTime = Instant.FromDateTimeUtc(UpdateTime), Version = Version,
        Event = Event?.ToDomain(),
    };

    /// <summary>What <see cref="CohortUpdates.OrderedTime"/> evaluates to for a write applied to this document.</summary>
    public Instant OrderedTime(Instant at)
    {
        var latest = LastEntryTime ?? Enrolled.Concat(Waitlist).Concat(Withdrawn).Select(e => (DateTime?)e.UpdateTime).Max();
        return latest is { } l && Instant.FromDateTimeUtc(DateTime.SpecifyKind(l, DateTimeKind.Utc)).PlusTicks(TimeSpan.TicksPerMillisecond) > at
            ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(l, DateTimeKind.Utc)).PlusTicks(TimeSpan.TicksPerMillisecond)
            : at;
    }

    /// <summary>Every enrolment of the cohort in list order: enrolled, then the waitlist, then withdrawn.</summary>
    public IEnumerable<Enrolment> Enrolments() =>
        Enrolled.OrderBy(e => e.Arrival).Select(e => e.ToDomain(this, EnrolmentState.Enrolled, 0))
            .Concat(Waitlist.Select((e, i) => e.ToDomain(this, EnrolmentState.Waitlisted, i + 1)))
            .Concat(Withdrawn.OrderBy(e => e.Arrival).Select(e => e.ToDomain(this, EnrolmentState.Withdrawn, 0)));
}
