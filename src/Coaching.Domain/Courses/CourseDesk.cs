using Coaching.Domain.Availability;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Identity;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>Cohort fields as sent; on update, null means "leave unchanged".</summary>
public sealed record CohortDraft(
    string? DisplayName = null,
    string? TimeZoneId = null,
    IReadOnlyList<CohortSession>? Sessions = null,
    IReadOnlyList<string>? CoachIds = null,
    int? Capacity = null,
    Instant? EnrolmentOpen = null,
    Instant? EnrolmentClose = null,
    CohortState? State = null);

/// <summary>
/// Use cases for courses, cohorts and enrolments. Admins run courses and cohorts; clients enrol themselves (admins may
/// enrol someone); the store makes enrolment, withdrawal and promotion atomic.
/// </summary>
public sealed class CourseDesk(ICourseStore store, ICoachStore coaches, IBusyTimeReader bookingsBusy, Calendar.EnrolmentInvites invites,
    Calendar.IEnrolmentInviteStore sentInvites, IClock clock, IIdGenerator ids)
{
    /// <summary>Creates a course (admins).</summary>
    public async Task<Course> CreateCourseAsync(Caller caller, string? title, string? description, IReadOnlyList<string> outcomes, int sessionCount,
        string? requestId, CancellationToken ct)
    {
        caller.RequireAdmin("create courses");
        var course = Course.Create(ids.NewId(), title, description, outcomes, sessionCount, Now());
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false, course.Title, course.Description, course.Outcomes, course.SessionCount);
        var result = await store.CreateCourseAsync(course, key, ct).ConfigureAwait(false);
        Reused(result, key);
        return result.Value;
    }

    public async Task<Course> GetCourseAsync(string courseId, CancellationToken ct) =>
        await store.GetCourseAsync(courseId, ct).ConfigureAwait(false) ?? Fail.NotFound<Course>($"courses/{courseId}");

    public async Task<Page<Course>> ListCoursesAsync(int pageSize, string? pageToken, CancellationToken ct)
    {
        const string filter = "courses";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        var rows = await store.ListCoursesAsync(page.After, page.Size + 1, ct).ConfigureAwait(false);
        return Page.FromFetched(rows, page, c => c.Id, filter);
    }

    /// <summary>Creates a cohort (admins); its teaching coaches must exist and be free at every session.</summary>
    public async Task<Cohort> CreateCohortAsync(Caller caller, string courseId, CohortDraft draft, string? requestId, CancellationToken ct)
    {
        caller.RequireAdmin("create cohorts");
        var course = await GetCourseAsync(courseId, ct).ConfigureAwait(false);
        var now = Now();
        var cohort = new Cohort
        {
            Id = ids.NewId(), CourseId = course.Id, DisplayName = (draft.DisplayName ?? string.Empty).Trim(), TimeZoneId = draft.TimeZoneId ?? string.Empty,
            Sessions = draft.Sessions ?? [], CoachIds = draft.CoachIds ?? [], Capacity = draft.Capacity ?? 0,
            EnrolmentOpen = draft.EnrolmentOpen ?? now, EnrolmentClose = draft.EnrolmentClose ?? (draft.Sessions is { Count: > 0 } s ? s[0].Start : now),
            State = draft.State ?? CohortState.Draft, EnrolledCount = 0, WaitlistCount = 0, CreateTime = now, UpdateTime = now, Version = 1,
        };
        cohort.Validate();
        if (cohort.State == CohortState.Cancelled)
        {
            Fail.Invalid("cohort.state", "a new cohort cannot start cancelled");
        }

        await CheckCoachesFreeAsync(cohort, ct).ConfigureAwait(false);
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false, courseId, cohort.DisplayName, cohort.TimeZoneId,
            string.Join(',', cohort.Sessions.Select(x => $"{x.Start}+{x.Duration}")), cohort.CoachIds, cohort.Capacity, cohort.EnrolmentOpen,
            cohort.EnrolmentClose, cohort.State);
        var result = await store.CreateCohortAsync(cohort, key, ct).ConfigureAwait(false);
        Reused(result, key);
        return result.Value;
    }

    /// <summary>A cohort; drafts are visible to admins only.</summary>
    public async Task<Cohort> GetCohortAsync(Caller caller, string courseId, string cohortId, CancellationToken ct)
    {
        var cohort = await store.GetCohortAsync(courseId, cohortId, ct).ConfigureAwait(false);
        return cohort is null || (cohort.State == CohortState.Draft && !caller.IsAdmin)
            ? Fail.NotFound<Cohort>($"courses/{courseId}/cohorts/{cohortId}")
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
            _ = await GetCourseAsync(courseId, ct).ConfigureAwait(false);
        }

        var rows = await store.ListCohortsAsync(courseId, state, page.After, page.Size + 1, ct).ConfigureAwait(false);
        var visible = caller.IsAdmin ? rows : [.. rows.Where(c => c.State != CohortState.Draft)];
        return Page.FromFetched(visible, page, c => c.Id, filter);
    }

    /// <summary>Updates a cohort (admins): raising capacity promotes waitlisted people; lowering it below the enrolment is refused.</summary>
    public async Task<Cohort> UpdateCohortAsync(Caller caller, string courseId, string cohortId, CohortDraft changes, string? etag, CancellationToken ct)
    {
        caller.RequireAdmin("change cohorts");
        var current = await GetCohortAsync(caller, courseId, cohortId, ct).ConfigureAwait(false);
        Etags.Check(etag, current.Version, current.Name);
        if (current.State == CohortState.Cancelled)
        {
            throw Precondition("COHORT_CANCELLED", "A cancelled cohort cannot change.", current.Name);
        }

        var updated = current with
        {
            DisplayName = changes.DisplayName?.Trim() ?? current.DisplayName,
            TimeZoneId = changes.TimeZoneId ?? current.TimeZoneId,
            Sessions = changes.Sessions ?? current.Sessions,
            CoachIds = changes.CoachIds ?? current.CoachIds,
            Capacity = changes.Capacity ?? current.Capacity,
            EnrolmentOpen = changes.EnrolmentOpen ?? current.EnrolmentOpen,
            EnrolmentClose = changes.EnrolmentClose ?? current.EnrolmentClose,
            State = changes.State ?? current.State,
            UpdateTime = Now(),
            Version = checked(current.Version + 1),
        };
        updated.Validate();
        if (updated.Capacity < current.EnrolledCount)
        {
            throw Precondition("CAPACITY_BELOW_ENROLMENT",
                $"{current.EnrolledCount} people are enrolled; capacity cannot go below that.", current.Name);
        }

        if (changes.Sessions is not null || changes.CoachIds is not null)
        {
            await CheckCoachesFreeAsync(updated, ct).ConfigureAwait(false);
        }

        var stored = await store.UpdateCohortAsync(updated, current.Version, ct).ConfigureAwait(false);
        await invites.SyncAsync(courseId, cohortId, null, ct).ConfigureAwait(false);
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
        var cohort = await GetCohortAsync(caller, courseId, cohortId, ct).ConfigureAwait(false);
        var now = clock.GetCurrentInstant();
        switch (cohort.State)
        {
            case CohortState.Cancelled:
                throw Precondition("COHORT_CANCELLED", "The cohort is cancelled.", cohort.Name);
            case not CohortState.Open:
                throw Precondition("COHORT_NOT_OPEN", "The cohort is not open for enrolment.", cohort.Name);
        }

        if (now < cohort.EnrolmentOpen)
        {
            throw Precondition("ENROLMENT_NOT_OPEN_YET", "Enrolment for this cohort has not opened yet.", cohort.Name);
        }

        if (now >= cohort.EnrolmentClose)
        {
            throw Precondition("ENROLMENT_CLOSED", "Enrolment for this cohort has closed.", cohort.Name);
        }

        var time = Now();
        var candidate = new Enrolment
        {
            Id = ids.NewId(), CourseId = courseId, CohortId = cohortId, ClientId = client, State = EnrolmentState.Enrolled, Arrival = 0,
            ClientName = caller.Role == Role.Client && caller.DisplayName.Length > 0 ? caller.DisplayName : client,
            ClientEmail = caller.Role == Role.Client && EmailAddress.IsPlausible(caller.Email) ? caller.Email : string.Empty,
            WaitlistPosition = 0, CreateTime = time, UpdateTime = time, Version = 1,
        };
        switch (await store.EnrolAsync(candidate, key, ct).ConfigureAwait(false))
        {
            case EnrolOutcome.Joined { Enrolment: var joined }:
                if (joined.State == EnrolmentState.Enrolled)
                {
                    await invites.SyncAsync(courseId, cohortId, [joined], ct).ConfigureAwait(false);
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
                throw Precondition("COHORT_NOT_OPEN", "The cohort is not open for enrolment.", cohort.Name);
            default:
                throw new DomainException(ErrorKind.Aborted, "CONTENTION", "The enrolment request is still being processed; retry it.",
                    metadata: new Dictionary<string, string> { ["resource"] = cohort.Name });
        }
    }

    public async Task<Enrolment> GetEnrolmentAsync(Caller caller, string courseId, string cohortId, string enrolmentId, CancellationToken ct)
    {
        var enrolment = await store.GetEnrolmentAsync(courseId, cohortId, enrolmentId, ct).ConfigureAwait(false)
            ?? Fail.NotFound<Enrolment>($"courses/{courseId}/cohorts/{cohortId}/enrolments/{enrolmentId}");
        if (!caller.IsAdmin && !(caller.Role == Role.Client && caller.UserId == enrolment.ClientId))
        {
            Fail.PermissionDenied("NOT_RESOURCE_OWNER", "Only the enrolled client or an admin may see this enrolment.");
        }

        return enrolment;
    }

    /// <summary>A cohort's enrolments (admins), or the caller's own across cohorts (<paramref name="cohortId"/> null).</summary>
    /// <summary>Every iCalendar message sent for an enrolment (its client or an admin).</summary>
    /// <remarks>A coach who teaches the cohort is a party to its sessions and may read them too.</remarks>
    public async Task<IReadOnlyList<Calendar.Invite>> ListInvitesAsync(Caller caller, string courseId, string cohortId, string enrolmentId, CancellationToken ct)
    {
        if (caller.Role == Role.Coach)
        {
            var taught = await store.GetCohortAsync(courseId, cohortId, ct).ConfigureAwait(false);
            var enrolment = await store.GetEnrolmentAsync(courseId, cohortId, enrolmentId, ct).ConfigureAwait(false);
            if (taught is null || enrolment is null)
            {
                Fail.NotFound($"courses/{courseId}/cohorts/{cohortId}/enrolments/{enrolmentId}");
            }

            if (!taught.CoachIds.Contains(caller.CoachId!))
            {
                Fail.PermissionDenied("NOT_RESOURCE_OWNER", "Only the enrolled client, a coach who teaches the cohort or an admin may see these invites.");
            }
        }
        else
        {
            _ = await GetEnrolmentAsync(caller, courseId, cohortId, enrolmentId, ct).ConfigureAwait(false);
        }

        return await sentInvites.ListAsync(enrolmentId, ct).ConfigureAwait(false);
    }

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
            _ = await GetCohortAsync(caller, courseId!, cohortId, ct).ConfigureAwait(false);
        }

        var filter = $"enrolments|{cohortId}|{clientId}|{state}";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        if (page.After is { } cursor && !EnrolmentOrder.IsKey(cursor))
        {
            Fail.Invalid("page_token", "is not a token returned by this list");
        }

        var rows = await store.ListEnrolmentsAsync(new EnrolmentQuery(cohortId, clientId, state, page.After, page.Size + 1), ct).ConfigureAwait(false);
        return Page.FromFetched(rows, page, EnrolmentOrder.Key, filter);
    }

    /// <summary>Withdraws an enrolment (its client or an admin); the first waitlisted person takes the seat atomically.</summary>
    public async Task<Enrolment> WithdrawAsync(Caller caller, string courseId, string cohortId, string enrolmentId, string? etag, string? reason,
        CancellationToken ct)
    {
        var v = new Violations();
        v.FreeText(reason, "reason", 1000);
        v.ThrowIfAny();
        var enrolment = await GetEnrolmentAsync(caller, courseId, cohortId, enrolmentId, ct).ConfigureAwait(false);
        Etags.Check(etag, enrolment.Version, enrolment.Name);
        if (enrolment.State == EnrolmentState.Withdrawn)
        {
            throw Precondition("ALREADY_WITHDRAWN", "This enrolment is already withdrawn.", enrolment.Name);
        }

        var (withdrawn, promoted) = await store.WithdrawAsync(enrolment, enrolment.Version, Now(), ct).ConfigureAwait(false);
        await invites.SyncAsync(courseId, cohortId, promoted is null ? [withdrawn] : [withdrawn, promoted], ct).ConfigureAwait(false);
        return withdrawn;
    }

    private async Task CheckCoachesFreeAsync(Cohort cohort, CancellationToken ct)
    {
        var found = await Task.WhenAll(cohort.CoachIds.Select(id => coaches.GetCoachAsync(id, ct))).ConfigureAwait(false);
        for (var i = 0; i < found.Length; i++)
        {
            if (found[i] is null)
            {
                Fail.Invalid($"cohort.coaches[{i}]", $"coach '{Text.Excerpt(cohort.CoachIds[i])}' does not exist");
            }
        }

        var from = cohort.Sessions.Min(s => s.Start);
        var to = cohort.Sessions.Max(s => s.End);
        var busy = await bookingsBusy.ListBusyAsync(cohort.CoachIds, from, to, ct).ConfigureAwait(false);
        foreach (var (coachId, interval) in busy)
        {
            if (cohort.Sessions.Any(s => s.Start < interval.End && interval.Start < s.End))
            {
                throw Precondition("COACH_SESSION_CONFLICT",
                    $"Coach '{Text.Excerpt(coachId)}' has a booking that overlaps a session of this cohort; move or cancel it first.", ResourceNames.Coach(coachId));
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

    private static DomainException Precondition(string reason, string message, string resource) =>
        Fail.Precondition(reason, message, resource);

    private Instant Now() => Instants.TruncateToMilliseconds(clock.GetCurrentInstant());
}

/// <summary>The list order of enrolments: enrolled by arrival, then the waitlist by arrival, then withdrawn by arrival.</summary>
public static class EnrolmentOrder
{
    /// <summary>A sortable key; the stores order by the same (state, arrival, id).</summary>
    public static string Key(Enrolment e) =>
        $"{(int)e.State}|{e.Arrival.ToString("D19", System.Globalization.CultureInfo.InvariantCulture)}|{e.Id}";

    /// <summary>True when <paramref name="key"/> has the shape <see cref="Key"/> produces.</summary>
    public static bool IsKey(string key)
    {
        var parts = key.Split('|');
        return parts.Length == 3 && parts[0] is "1" or "2" or "3" && parts[1].Length == 19 && parts[1].All(char.IsAsciiDigit) && parts[2].Length > 0;
    }
}

/// <summary>Committed time of coaches: their active bookings plus the sessions of live cohorts they teach.</summary>
public sealed class CommittedTime(IBusyTimeReader bookings, ICourseStore courses) : IBusyTimeReader
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBusyAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart,
        Instant rangeEnd, CancellationToken cancellationToken)
    {
        var booked = bookings.ListBusyAsync(coachIds, rangeStart, rangeEnd, cancellationToken);
        var teaching = courses.ListTeachingAsync(coachIds, rangeStart, rangeEnd, cancellationToken);
        await Task.WhenAll(booked, teaching).ConfigureAwait(false);
        return [.. await booked.ConfigureAwait(false),
            .. (await teaching.ConfigureAwait(false)).Select(t => (t.CoachId, new BusyInterval(t.Session.Start, t.Session.End, t.Session.Start, null)))];
    }
}
