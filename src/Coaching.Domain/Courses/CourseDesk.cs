using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Identity;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>
/// Use cases for courses, cohorts and enrolments. Admins run courses and cohorts; clients enrol themselves (admins may
/// enrol someone); the store makes enrolment, withdrawal and promotion atomic.
/// </summary>
public sealed class CourseDesk(ICourseStore store, ICoachStore coaches, IBookedTimeReader bookingsBusy, EnrolmentInvites invites,
    IEnrolmentInviteStore sentInvites, IEventEncoder events, IClock clock, IIdGenerator ids)
{
    /// <summary>Creates a course (admins).</summary>
    public async Task<Course> CreateCourseAsync(Caller caller, string? title, string? description, IReadOnlyList<string> outcomes, int sessionCount,
        string? requestId, CancellationToken ct)
    {
        caller.RequireAdmin("create courses");
        var course = Course.Create(ids.NewId(), title, description, outcomes, sessionCount, Now());
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false, course.Title, course.Description, course.Outcomes, course.SessionCount);
        var result = await store.CreateCourseAsync(course, key, ct);
        Reused(result, key);
        return result.Value;
    }

    /// <summary>A course (anyone signed in).</summary>
    public async Task<Course> GetCourseAsync(string courseId, CancellationToken ct) =>
        await store.GetCourseAsync(courseId, ct) ?? Fail.NotFound<Course>(ResourceNames.Course(courseId));

    /// <summary>Courses by id (anyone signed in).</summary>
    public async Task<Page<Course>> ListCoursesAsync(int pageSize, string? pageToken, CancellationToken ct)
    {
        const string filter = "courses";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        var rows = await store.ListCoursesAsync(page.After, page.Size + 1, ct);
        return Page.FromFetched(rows, page, c => c.Id, filter);
    }

    /// <summary>Creates a cohort (admins); its teaching coaches must exist and be free at every session.</summary>
    public async Task<Cohort> CreateCohortAsync(Caller caller, string courseId, CohortDraft draft, string? requestId, CancellationToken ct)
    {
        caller.RequireAdmin("create cohorts");
        var course = await GetCourseAsync(courseId, ct);
        var cohort = Cohort.Create(ids.NewId(), course.Id, draft, Now());
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false, courseId, cohort.DisplayName, cohort.TimeZoneId,
            string.Join(',', cohort.Sessions.Select(x => $"{x.Start}+{x.Duration}")), cohort.CoachIds, cohort.Capacity, cohort.EnrolmentOpen,
            cohort.EnrolmentClose, cohort.State);
        return await StoreNewCohortAsync(cohort, key, ct);
    }

    /// <summary>
    /// Stores a new cohort whose teaching coaches exist and are free at every session (the store's claims decide races); a key
    /// used before answers the original. For callers that checked who may create it.
    /// </summary>
    internal async Task<Cohort> StoreNewCohortAsync(Cohort cohort, IdempotencyKey? key, CancellationToken ct)
    {
        await CheckCoachesFreeAsync(cohort, ct);
        return await store.CreateCohortAsync(cohort, key, ct) switch
        {
            CohortWrite.Stored { Cohort: var stored } => stored,
            CohortWrite.RequestSeen seen when key is not null && seen.Fingerprint != key.Fingerprint => Reused<Cohort>(key),
            CohortWrite.RequestSeen { Original: var original } => original,
            CohortWrite.SessionConflict => throw CourseErrors.SessionConflict(cohort.Name),
            var other => throw Unexpected(other, cohort.Name),
        };
    }

    /// <summary>A cohort; drafts are visible to admins only.</summary>
    public async Task<Cohort> GetCohortAsync(Caller caller, string courseId, string cohortId, CancellationToken ct)
    {
        var cohort = await store.GetCohortAsync(courseId, cohortId, ct);
        return cohort is null || (cohort.State == CohortState.Draft && !caller.IsAdmin)
            ? Fail.NotFound<Cohort>(ResourceNames.Cohort(courseId, cohortId))
            : cohort;
    }

    /// <summary>Cohorts of a course (or of every course with <c>-</c>); drafts only for admins.</summary>
    public async Task<Page<Cohort>> ListCohortsAsync(Caller caller, string? courseId, CohortState? state, int pageSize, string? pageToken, CancellationToken ct)
    {
        if (state == CohortState.Draft && !caller.IsAdmin)
        {
            Fail.PermissionDenied("ADMIN_REQUIRED", "Only admins may list draft cohorts.");
        }

        var filter = $"cohorts|{courseId}|{state}|{caller.IsAdmin}";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        if (courseId is not null)
        {
            _ = await GetCourseAsync(courseId, ct);
        }

        var rows = await store.ListCohortsAsync(courseId, state, page.After, page.Size + 1, ct);
        var visible = caller.IsAdmin ? rows : [.. rows.Where(c => c.State != CohortState.Draft)];
        return Page.FromFetched(visible, page, c => c.Id, filter);
    }

    /// <summary>Updates a cohort (admins): raising capacity promotes waitlisted people; lowering it below the enrolment is refused.</summary>
    public async Task<Cohort> UpdateCohortAsync(Caller caller, string courseId, string cohortId, CohortDraft changes, string? etag, CancellationToken ct)
    {
        caller.RequireAdmin("change cohorts");
        var current = await GetCohortAsync(caller, courseId, cohortId, ct);
        Etags.Check(etag, current.Version, current.Name);
        return await StoreChangedCohortAsync(current, changes, ct);
    }

    /// <summary>
    /// Applies <paramref name="changes"/> to <paramref name="current"/> as read (its version is the precondition) and brings every
    /// enrolled person's calendar in step. For callers that checked who may change it. An event's cohort takes its event's new
    /// <paramref name="profile"/> in the same write.
    /// </summary>
    internal async Task<Cohort> StoreChangedCohortAsync(Cohort current, CohortDraft changes, CancellationToken ct, Events.EventProfile? profile = null)
    {
        var updated = current.Change(changes, Now());
        if (profile is not null)
        {
            updated = updated with { Event = profile };
        }

        if (updated.Capacity < current.EnrolledCount)
        {
            throw CourseErrors.CapacityBelowEnrolment(current.Name, current.EnrolledCount);
        }

        if (changes.Sessions is not null || changes.CoachIds is not null)
        {
            await CheckCoachesFreeAsync(updated, ct);
        }

        var stored = await store.UpdateCohortAsync(updated, current.Version, Entry("cohort.changed", updated.Name, updated, updated), Announcer(updated), ct) switch
        {
            CohortWrite.Stored { Cohort: var c } => c,
            CohortWrite.SessionConflict => throw CourseErrors.SessionConflict(current.Name),
            CohortWrite.CapacityBelowEnrolment { Enrolled: var enrolled } => throw CourseErrors.CapacityBelowEnrolment(current.Name, enrolled),
            CohortWrite.Stale => throw Fail.StaleEtagError(current.Name),
            CohortWrite.Missing => throw Fail.NotFoundError(current.Name),
            var other => throw Unexpected(other, current.Name),
        };
        await invites.SyncAsync(current.CourseId, current.Id, null, ct);
        return stored;
    }

    /// <summary>Enrols a client (themself, or anyone by an admin): ENROLLED while seats remain, else WAITLISTED.</summary>
    public async Task<Enrolment> EnrolAsync(Caller caller, string courseId, string cohortId, string? clientId, string? requestId, CancellationToken ct)
    {
        var client = caller.Role switch
        {
            Role.Client when string.IsNullOrEmpty(clientId) || clientId == caller.UserId => caller.UserId,
            Role.Admin when !string.IsNullOrEmpty(clientId) => clientId,
            Role.Admin => Fail.Invalid<string>("enrolment.client", "is required when an admin enrols someone"),
            _ => throw new DomainException(ErrorKind.PermissionDenied, "CLIENT_OR_ADMIN_REQUIRED", "Only clients enrol themselves (or admins for them)."),
        };
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: true, courseId, cohortId, client)!;
        var cohort = await GetCohortAsync(caller, courseId, cohortId, ct);
        cohort.EnsureTakesEnrolments(clock.GetCurrentInstant());

        var time = Now();
        var candidate = new Enrolment
        {
            Id = ids.NewId(), CourseId = courseId, CohortId = cohortId, ClientId = client, State = EnrolmentState.Enrolled, Arrival = 0,
            ClientName = caller.Role == Role.Client && caller.DisplayName.Length > 0 ? caller.DisplayName : client,
            ClientEmail = caller.Role == Role.Client && EmailAddress.IsPlausible(caller.Email) ? caller.Email : string.Empty,
            WaitlistPosition = 0, CreateTime = time, UpdateTime = time, Version = 1,
        };
        var outcome = await store.EnrolAsync(candidate, key, Announcer(cohort), ct);
        Telemetry.Enrolments.Add(1, new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));
        switch (outcome)
        {
            case EnrolOutcome.Joined { Enrolment: var joined }:
                if (joined.State == EnrolmentState.Enrolled)
                {
                    await invites.SyncAsync(courseId, cohortId, [joined], ct);
                }

                return joined;
            case EnrolOutcome.RequestSeen seen when seen.Fingerprint != key.Fingerprint:
                Fail.RequestIdReused(key.RequestId);
                return null!;
            case EnrolOutcome.RequestSeen { Original: { } original }:
                return original;
            case EnrolOutcome.AlreadyEnrolled { Existing: var existing }:
                return existing;
            case EnrolOutcome.NotOpen:
                throw CourseErrors.CohortNotOpen(cohort.Name);
            case EnrolOutcome.WaitlistFull:
                throw CourseErrors.WaitlistFull(cohort.Name);
            default:
                throw CourseErrors.Contention(cohort.Name, "The enrolment request is still being processed; retry it.");
        }
    }

    private static string OutcomeName(EnrolOutcome outcome) => outcome switch
    {
        EnrolOutcome.Joined { Enrolment.State: EnrolmentState.Enrolled } => "enrolled",
        EnrolOutcome.Joined => "waitlisted",
        EnrolOutcome.RequestSeen => "replayed",
        EnrolOutcome.AlreadyEnrolled => "already_enrolled",
        EnrolOutcome.NotOpen => "not_open",
        EnrolOutcome.WaitlistFull => "waitlist_full",
        _ => "contended",
    };

    /// <summary>An enrolment, for its client or an admin.</summary>
    public async Task<Enrolment> GetEnrolmentAsync(Caller caller, string courseId, string cohortId, string enrolmentId, CancellationToken ct)
    {
        var enrolment = await store.GetEnrolmentAsync(courseId, cohortId, enrolmentId, ct)
            ?? Fail.NotFound<Enrolment>(ResourceNames.Enrolment(courseId, cohortId, enrolmentId));
        if (!caller.IsAdmin && !(caller.Role == Role.Client && caller.UserId == enrolment.ClientId))
        {
            Fail.PermissionDenied("NOT_RESOURCE_OWNER", "Only the enrolled client or an admin may see this enrolment.");
        }

        return enrolment;
    }

    /// <summary>Every iCalendar message sent for an enrolment (its client or an admin).</summary>
    /// <remarks>A coach who teaches the cohort is a party to its sessions and may read them too.</remarks>
    public async Task<IReadOnlyList<Calendar.Invite>> ListInvitesAsync(Caller caller, string courseId, string cohortId, string enrolmentId, CancellationToken ct)
    {
        if (caller.Role == Role.Coach)
        {
            var taught = await store.GetCohortAsync(courseId, cohortId, ct);
            var enrolment = await store.GetEnrolmentAsync(courseId, cohortId, enrolmentId, ct);
            if (taught is null || enrolment is null)
            {
                Fail.NotFound(ResourceNames.Enrolment(courseId, cohortId, enrolmentId));
            }

            if (!taught.CoachIds.Contains(caller.CoachId!))
            {
                Fail.PermissionDenied("NOT_RESOURCE_OWNER", "Only the enrolled client, a coach who teaches the cohort or an admin may see these invites.");
            }
        }
        else
        {
            _ = await GetEnrolmentAsync(caller, courseId, cohortId, enrolmentId, ct);
        }

        return await sentInvites.ListAsync(enrolmentId, ct);
    }

    /// <summary>A cohort's enrolments (admins), or the caller's own across cohorts (no cohort given).</summary>
    public async Task<Page<Enrolment>> ListEnrolmentsAsync(Caller caller, string? courseId, string? cohortId, EnrolmentState? state, int pageSize,
        string? pageToken, CancellationToken ct)
    {
        string? clientId = null;
        if (cohortId is null)
        {
            if (caller.Role != Role.Client)
            {
                Fail.Invalid("parent", "courses/-/cohorts/- lists the caller's own enrolments, which only clients have");
            }

            clientId = caller.UserId;
        }
        else
        {
            caller.RequireAdmin("list a cohort's enrolments");
            _ = await GetCohortAsync(caller, courseId!, cohortId, ct);
        }

        return await PageEnrolmentsAsync(cohortId, clientId, state, pageSize, pageToken, ct);
    }

    /// <summary>A page of enrolments of a cohort or of a client (or both), for callers that checked who may see them.</summary>
    internal async Task<Page<Enrolment>> PageEnrolmentsAsync(string? cohortId, string? clientId, EnrolmentState? state, int pageSize, string? pageToken,
        CancellationToken ct)
    {
        var filter = $"enrolments|{cohortId}|{clientId}|{state}";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        var after = page.After is { } cursor ? EnrolmentCursor.Parse(cursor) : (EnrolmentCursor?)null;
        var rows = await store.ListEnrolmentsAsync(new EnrolmentQuery(cohortId, clientId, state, after, page.Size + 1), ct);
        return Page.FromFetched(rows, page, e => EnrolmentCursor.Of(e).Format(), filter);
    }

    /// <summary>Withdraws an enrolment (its client or an admin); the first waitlisted person takes the seat atomically.</summary>
    public async Task<Enrolment> WithdrawAsync(Caller caller, string courseId, string cohortId, string enrolmentId, string? etag, string? reason,
        CancellationToken ct)
    {
        var v = new Violations();
        v.FreeText(reason, "reason", 1000);
        v.ThrowIfAny();
        var enrolment = await GetEnrolmentAsync(caller, courseId, cohortId, enrolmentId, ct);
        Etags.Check(etag, enrolment.Version, enrolment.Name);
        if (enrolment.State == EnrolmentState.Withdrawn)
        {
            throw CourseErrors.AlreadyWithdrawn(enrolment.Name);
        }

        var cohort = await store.GetCohortAsync(courseId, cohortId, ct) ?? Fail.NotFound<Cohort>(ResourceNames.Cohort(courseId, cohortId));
        var (withdrawn, promoted) = await store.WithdrawAsync(enrolment, enrolment.Version, Now(), Announcer(cohort), ct) switch
        {
            WithdrawOutcome.Withdrawn w => (w.Enrolment, w.Promoted),
            WithdrawOutcome.AlreadyWithdrawn => throw CourseErrors.AlreadyWithdrawn(enrolment.Name),
            WithdrawOutcome.Stale => throw Fail.StaleEtagError(enrolment.Name),
            var other => throw Fail.NotFoundError(enrolment.Name),
        };
        await invites.SyncAsync(courseId, cohortId, promoted is null ? [withdrawn] : [withdrawn, promoted], ct);
        return withdrawn;
    }

    private static readonly Dictionary<string, string> EventTypes = new(StringComparer.Ordinal)
    {
        ["enrolment.enrolled"] = "registration.registered", ["enrolment.waitlisted"] = "registration.waitlisted",
        ["enrolment.promoted"] = "registration.promoted", ["enrolment.withdrawn"] = "registration.withdrawn",
    };

    // Enrolment events are for the enrolled person and for every coach of the cohort.
    private Announce<Enrolment> Announcer(Cohort cohort) => (type, enrolment) => Entry(type, enrolment.Name, enrolment, cohort, enrolment.ClientId);

    private OutboxEntry Entry(string type, string resource, object subject, Cohort cohort, string? clientId = null)
    {
        if (cohort.CourseId == Course.EventsId)
        {
            // An event's cohort speaks the event API's language: its registrations and the event itself, by their own names.
            (type, resource) = subject is Enrolment e
                ? (EventTypes.GetValueOrDefault(type, type), $"events/{e.CohortId}/registrations/{e.Id}")
                : ("event.changed", $"events/{cohort.Id}");
        }

        var time = Now();
        var id = ids.NewId();
        var audience = cohort.CoachIds.Select(ResourceNames.Coach).ToList();
        if (clientId is not null)
        {
            audience.Add(ResourceNames.User(clientId));
        }

        return new OutboxEntry(id, type, resource, audience, events.Encode(id, type, resource, time, subject), null, time);
    }

    private async Task CheckCoachesFreeAsync(Cohort cohort, CancellationToken ct)
    {
        var found = await Task.WhenAll(cohort.CoachIds.Select(id => coaches.GetCoachAsync(id, ct)));
        for (var i = 0; i < found.Length; i++)
        {
            if (found[i] is null)
            {
                Fail.Invalid($"cohort.coaches[{i}]", $"coach '{Text.Excerpt(cohort.CoachIds[i])}' does not exist");
            }
        }

        var from = cohort.Sessions.Min(s => s.Start);
        var to = cohort.Sessions.Max(s => s.End);
        var busy = await bookingsBusy.ListBookedAsync(cohort.CoachIds, from, to, ct);
        foreach (var (coachId, interval) in busy)
        {
            if (cohort.Sessions.Any(s => s.Start < interval.Block.End && interval.Block.Start < s.End))
            {
                throw CourseErrors.SessionConflict(cohort.Name, coachId);
            }
        }
    }

    private static void Reused<T>(CreateResult<T> result, IdempotencyKey? key)
    {
        if (key is not null && !result.Created && result.Fingerprint != key.Fingerprint)
        {
            Fail.RequestIdReused(key.RequestId);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static T Reused<T>(IdempotencyKey key)
    {
        Fail.RequestIdReused(key.RequestId);
        return default!;
    }

    // The outcomes a call cannot produce (a create is never stale, an update never a retry): a store bug, surfaced as INTERNAL.
    private static InvalidOperationException Unexpected(CohortWrite outcome, string cohortName) =>
        new($"The store answered {outcome.GetType().Name} for {cohortName}.");

    private Instant Now() => Instants.TruncateToMilliseconds(clock.GetCurrentInstant());
}
