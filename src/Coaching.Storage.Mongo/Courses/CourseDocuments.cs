using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using MongoDB.Bson;
using NodaTime;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>A course in <c>courses</c>.</summary>
public sealed class CourseDocument
{
    public const string Collection = "courses";

    public string Id { get; set; } = string.Empty;

    public string Title { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    public List<string> Outcomes { get; set; } = [];

    public int SessionCount { get; set; }

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public static CourseDocument From(Course c, IdempotencyKey? key) => new()
    {
        Id = c.Id, Title = c.Title, Description = c.Description, Outcomes = [.. c.Outcomes], SessionCount = c.SessionCount,
        CreateTime = c.CreateTime.ToDateTimeUtc(), UpdateTime = c.UpdateTime.ToDateTimeUtc(), Version = c.Version,
        RequestScope = key?.Scope, RequestId = key?.RequestId, RequestFingerprint = key?.Fingerprint,
    };

    public Course ToDomain() => new()
    {
        Id = Id, Title = Title, Description = Description, Outcomes = Outcomes, SessionCount = SessionCount,
        CreateTime = Instant.FromDateTimeUtc(CreateTime), UpdateTime = Instant.FromDateTimeUtc(UpdateTime), Version = Version,
    };
}

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

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

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
    };

    /// <summary>The claims to store for <paramref name="c"/>: null (no element) when it holds none.</summary>
    public static List<string>? ClaimsOf(Cohort c) => c.TimeClaims is { Count: > 0 } claims ? [.. claims] : null;

    public Cohort ToDomain() => new()
    {
        Id = Id, CourseId = CourseId, DisplayName = DisplayName, TimeZoneId = TimeZone, Sessions = [.. Sessions.Select(s => s.ToDomain())],
        CoachIds = CoachIds, Capacity = Capacity, EnrolmentOpen = Instant.FromDateTimeUtc(OpenTime), EnrolmentClose = Instant.FromDateTimeUtc(CloseTime),
        State = (CohortState)State, EnrolledCount = Enrolled.Count, WaitlistCount = Waitlist.Count,
        CreateTime = Instant.FromDateTimeUtc(CreateTime), UpdateTime = Instant.FromDateTimeUtc(UpdateTime), Version = Version,
    };

    /// <summary>What <see cref="CohortUpdates.OrderedTime"/> evaluates to for a write applied to this document.</summary>
    public Instant OrderedTime(Instant at)
    {
        var latest = Enrolled.Concat(Waitlist).Concat(Withdrawn).Select(e => (DateTime?)e.UpdateTime).Max();
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

/// <summary>A cohort session inside a cohort document.</summary>
public sealed class SessionDocument
{
    public DateTime Start { get; set; }

    public DateTime End { get; set; }

    public string Title { get; set; } = string.Empty;

    public static SessionDocument From(CohortSession s) => new() { Start = s.Start.ToDateTimeUtc(), End = s.End.ToDateTimeUtc(), Title = s.Title };

    public CohortSession ToDomain() => new(Instant.FromDateTimeUtc(Start), Instant.FromDateTimeUtc(End) - Instant.FromDateTimeUtc(Start), Title);
}

/// <summary>One enrolment inside a cohort document; which array holds it is its state.</summary>
public sealed class EntryDocument
{
    public string Id { get; set; } = string.Empty;

    public string Client { get; set; } = string.Empty;

    public string ClientName { get; set; } = string.Empty;

    public string ClientEmail { get; set; } = string.Empty;

    public long Arrival { get; set; }

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public Enrolment ToDomain(CohortDocument cohort, EnrolmentState state, int position) => new()
    {
        Id = Id, CourseId = cohort.CourseId, CohortId = cohort.Id, ClientId = Client, ClientName = ClientName, ClientEmail = ClientEmail,
        State = state, Arrival = Arrival, WaitlistPosition = position,
        CreateTime = Instant.FromDateTimeUtc(CreateTime), UpdateTime = Instant.FromDateTimeUtc(UpdateTime), Version = Version,
    };

    /// <summary>A new entry as a pipeline expression: the arrival is the cohort's counter at the moment of the update.</summary>
    public static BsonDocument NewEntryExpression(Enrolment candidate, IdempotencyKey key) => new()
    {
        { "id", new BsonDocument("$literal", candidate.Id) },
        { "client", new BsonDocument("$literal", candidate.ClientId) },
        { "client_name", new BsonDocument("$literal", candidate.ClientName) },
        { "client_email", new BsonDocument("$literal", candidate.ClientEmail) },
        { "arrival", "$next_arrival" },
        { "create_time", CohortUpdates.OrderedTime(candidate.CreateTime.ToDateTimeUtc()) },
        { "update_time", CohortUpdates.OrderedTime(candidate.CreateTime.ToDateTimeUtc()) },
        { "version", 1L },
        { "request_scope", new BsonDocument("$literal", key.Scope) },
        { "request_id", new BsonDocument("$literal", key.RequestId) },
    };
}
