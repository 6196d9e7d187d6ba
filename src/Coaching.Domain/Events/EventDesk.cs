using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Identity;
using NodaTime;

namespace Coaching.Domain.Events;

/// <summary>
/// Use cases for drop-in sessions and webinars. An event is a one-session cohort of the hidden <see cref="ScheduledEvent.CourseId"/> course
/// plus an <see cref="EventProfile"/>: the cohort gives it, unchanged, the seat line (capacity, FIFO waitlist, promotion in the
/// withdrawal's own write), the hosts' busy time (the cohort's claims, which no booking can overlap and which cannot be placed over
/// a booking), the invites and feeds; the profile says what it is about, how to join and where the recording is.
/// </summary>
public sealed class EventDesk(IEventStore events, ICourseStore courses, CourseDesk cohorts, EnrolmentInvites invites, IClock clock, IIdGenerator ids)
{
    private const string P = "event";
    private static readonly Duration Shortest = Duration.FromMinutes(15);
    private static readonly Duration Longest = Duration.FromHours(8);
    private static readonly Duration LongestRange = Duration.FromDays(366);
    private static readonly IdempotencyKey CourseKey = new("system", "events-course", "v1");
    private bool _courseExists;

    /// <summary>Creates an event (admins): its cohort first (the hosts must be free), then its profile; a retry completes either.</summary>
    public async Task<ScheduledEvent> CreateAsync(Caller caller, EventDraft draft, string? requestId, CancellationToken ct)
    {
        caller.RequireAdmin("create events");
        var now = Now();
        var v = new Violations();
        var title = (draft.Title ?? string.Empty).Trim();
        v.SingleLine(title, $"{P}.title", 1, EventProfile.MaxTitle);
        v.Require(draft.Kind is not null, $"{P}.kind", "is required (drop-in or webinar)");
        v.Require(draft.Start is not null, $"{P}.start_time", "is required");
        v.Require(draft.Duration is not null, $"{P}.duration", "is required");
        v.Require(draft.HostIds is { Count: > 0 }, $"{P}.hosts", "must name 1..10 coaches");
        v.Require(draft.State is null or EventState.Draft or EventState.Open, $"{P}.state", "must be DRAFT or OPEN when an event is created");
        v.Require(string.IsNullOrEmpty(draft.RecordingLink), $"{P}.recording_link", "is attached once the event was held");
        var topics = CheckCommon(v, draft);
        v.ThrowIfAny();

        await EnsureCourseAsync(now, ct);
        var start = draft.Start!.Value;
        var cohort = Cohort.Create(ids.NewId(), ScheduledEvent.CourseId, new CohortDraft(
            Excerpt(title), draft.TimeZoneId ?? "UTC", [new CohortSession(start, draft.Duration!.Value, string.Empty)], draft.HostIds, SeatsOf(draft.Capacity ?? 0),
            draft.RegistrationOpen ?? now, draft.RegistrationClose ?? start, (CohortState)(int)(draft.State ?? EventState.Draft)), now);
        var profile = new EventProfile
        {
            Id = cohort.Id, Kind = draft.Kind!.Value, Title = title, Description = draft.Description ?? string.Empty, Topics = topics ?? [],
            JoinLink = draft.JoinLink ?? string.Empty, Visibility = draft.Visibility ?? EventVisibility.Registrants, Unlimited = (draft.Capacity ?? 0) == 0,
            RecordingLink = string.Empty, HeldTime = null, Start = start, CreateTime = now, UpdateTime = now, Version = 1,
        };
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false, "event", title, profile.Description, string.Join(',', profile.Topics),
            profile.Kind, cohort.CoachIds, start, draft.Duration, cohort.TimeZoneId, profile.JoinLink, draft.Capacity ?? 0, cohort.EnrolmentOpen,
            cohort.EnrolmentClose, cohort.State, profile.Visibility);
        // The profile is stored in its cohort (one write, and every later change too), then copied for discovery. A retry answers
        // the original cohort, with its own profile (or, made before profiles moved there, none: the copy is then the profile).
        var stored = await cohorts.StoreNewCohortAsync(cohort with { Event = profile }, key, ct);
        var kept = await events.CreateAsync(stored.Event
            ?? profile with { Id = stored.Id, Start = stored.Sessions[0].Start, CreateTime = stored.CreateTime, UpdateTime = stored.CreateTime }, ct);
        await invites.SyncAsync(ScheduledEvent.CourseId, stored.Id, null, ct);
        return new ScheduledEvent(stored, stored.Event ?? kept);
    }

    /// <summary>An event; drafts only for admins. The join link is shown to admins, hosts and people holding a seat.</summary>
    public async Task<(ScheduledEvent ScheduledEvent, bool ShowsJoinLink)> GetAsync(Caller caller, string eventId, CancellationToken ct)
    {
        var found = await ReadAsync(caller, eventId, ct);
        return (found, await ShowsJoinLinkAsync(caller, found, ct));
    }

    /// <summary>
    /// Upcoming events (anyone signed in) whose start is in the range, with the topic when given, by start: open ones for
    /// everyone, every state for admins. Join links are never listed.
    /// </summary>
    public async Task<Page<ScheduledEvent>> ListAsync(Caller caller, string? topic, Instant? from, Instant? to, int pageSize, string? pageToken, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var (first, last) = (from ?? now, to ?? (from ?? now) + LongestRange);
        var v = new Violations();
        v.Require(first < last, "end_time", "must be after start_time");
        v.Require(last - first <= LongestRange, "end_time", "must be at most 366 days after start_time");
        var normalized = NormalizedTopic(v, topic, "topic");
        v.ThrowIfAny();
        return await PageAsync(new EventQuery(first, last, normalized, HeldOnly: false, null, 0), pageSize, pageToken,
            e => caller.IsAdmin || e.State == EventState.Open, ct);
    }

    /// <summary>
    /// Held events with a recording, by start, with the topic when given: public ones for everyone signed in; the others for their
    /// registrants, hosts and admins.
    /// </summary>
    public async Task<Page<ScheduledEvent>> ListRecordingsAsync(Caller caller, string? topic, int pageSize, string? pageToken, CancellationToken ct)
    {
        var v = new Violations();
        var normalized = NormalizedTopic(v, topic, "topic");
        v.ThrowIfAny();
        var attended = caller.Role == Role.Client
            ? (await courses.ListEnrolmentsAsync(new EnrolmentQuery(null, caller.UserId, EnrolmentState.Enrolled, null, 1000), ct))
                .Where(e => e.CourseId == ScheduledEvent.CourseId).Select(e => e.CohortId).ToHashSet(StringComparer.Ordinal)
            : [];
        return await PageAsync(new EventQuery(Instant.FromUtc(2000, 1, 1, 0, 0), clock.GetCurrentInstant(), normalized, HeldOnly: true, null, 0), pageSize,
            pageToken, e => e.Profile.Visibility == EventVisibility.Public || caller.IsAdmin || IsHost(caller, e) || attended.Contains(e.Id), ct);
    }

    /// <summary>
    /// Changes an event: admins any field; its hosts the description, join link and recording link, and may mark it held once it
    /// started. A change of time, join link, title or description, or a cancellation, sends registrants and hosts an updated invite.
    /// </summary>
    public async Task<ScheduledEvent> UpdateAsync(Caller caller, string eventId, EventDraft changes, string? etag, CancellationToken ct)
    {
        var current = await ReadAsync(caller, eventId, ct);
        if (!caller.IsAdmin && !IsHost(caller, current))
        {
            throw EventErrors.HostOrAdminRequired("change this event");
        }

        Etags.Check(etag, current.Version, current.Name);
        if (!caller.IsAdmin)
        {
            foreach (var (field, set) in AdminFields(changes))
            {
                if (set)
                {
                    throw EventErrors.AdminOnlyField(field);
                }
            }
        }

        var now = Now();
        var held = changes.State == EventState.Held;
        // Once held, an event keeps only its description and recording changing (and, for discovery, its topics and visibility).
        var changesAfterHeld = changes.JoinLink is not null || AdminFields(changes).Any(f => f.Set && f.Field is not ("topics" or "visibility"));
        if (current.State == EventState.Held && changesAfterHeld)
        {
            throw EventErrors.AlreadyHeld(current.Name);
        }

        if (held && current.State != EventState.Held)
        {
            if (current.State is not (EventState.Open or EventState.Closed) || now < current.Session.Start)
            {
                throw EventErrors.NotHeldYet(current.Name, current.State is EventState.Open or EventState.Closed
                    ? "The event has not started yet; mark it held once it took place."
                    : $"A {current.State.ToString().ToLowerInvariant()} event cannot be marked held.");
            }
        }

        var v = new Violations();
        if (changes.Title is not null)
        {
            v.SingleLine(changes.Title, $"{P}.title", 1, EventProfile.MaxTitle);
        }

        v.Require(changes.State is null or EventState.Draft or EventState.Open or EventState.Closed or EventState.Cancelled or EventState.Held,
            $"{P}.state", "is not an event state");
        v.Require(changes.RecordingLink is null || changes.RecordingLink.Length == 0 || held || current.State == EventState.Held,
            $"{P}.recording_link", "is attached when (or after) the event is marked held");
        var topics = CheckCommon(v, changes);
        v.ThrowIfAny();

        var cohortChanges = CohortChanges(current, changes, held);
        var profile = current.Profile with
        {
            Title = changes.Title?.Trim() ?? current.Profile.Title,
            Description = changes.Description ?? current.Profile.Description,
            Topics = topics ?? current.Profile.Topics,
            Kind = changes.Kind ?? current.Profile.Kind,
            JoinLink = changes.JoinLink ?? current.Profile.JoinLink,
            Visibility = changes.Visibility ?? current.Profile.Visibility,
            Unlimited = changes.Capacity is { } seats ? seats == 0 : current.Profile.Unlimited,
            RecordingLink = changes.RecordingLink ?? current.Profile.RecordingLink,
            HeldTime = held ? current.Profile.HeldTime ?? now : current.Profile.HeldTime,
            Start = changes.Start ?? current.Session.Start,
            UpdateTime = now,
            Version = current.Profile.Version + 1,
        };
        var profileChanges = profile with { UpdateTime = current.Profile.UpdateTime, Version = current.Profile.Version } != current.Profile;
        if (cohortChanges is null && !profileChanges)
        {
            return current;
        }

        // One conditional write of the cohort carries the new profile, so the event changes whole or not at all: a caller told
        // ABORTED finds none of its change stored. The invites it sends say the new words. Then the discovery copy follows.
        var stored = profileChanges ? profile : current.Profile;
        var cohort = await cohorts.StoreChangedCohortAsync(current.Cohort, cohortChanges ?? new CohortDraft(), ct, stored);
        await events.CopyAsync(stored, ct);
        return new ScheduledEvent(cohort, stored);
    }

    /// <summary>Registers a client (themself, or anyone by an admin): a seat while there is one, else the waitlist (FIFO).</summary>
    public async Task<Enrolment> RegisterAsync(Caller caller, string eventId, string? clientId, string? requestId, CancellationToken ct)
    {
        if (caller.Role == Role.Coach)
        {
            throw new DomainException(ErrorKind.PermissionDenied, "CLIENT_OR_ADMIN_REQUIRED", "Only clients register themselves (or admins register them).");
        }

        if (caller.IsAdmin && string.IsNullOrEmpty(clientId))
        {
            Fail.Invalid("registration.client", "is required when an admin registers someone");
        }

        var found = await ReadAsync(caller, eventId, ct);
        if (found.State == EventState.Held)
        {
            throw CourseErrors.CohortNotOpen(found.Name);
        }

        return await cohorts.EnrolAsync(caller, ScheduledEvent.CourseId, eventId, clientId, requestId, ct);
    }

    /// <summary>A registration, for its client, the event's hosts or an admin.</summary>
    public async Task<Enrolment> GetRegistrationAsync(Caller caller, string eventId, string registrationId, CancellationToken ct)
    {
        if (caller.Role == Role.Coach && IsHost(caller, await ReadAsync(caller, eventId, ct)))
        {
            return await courses.GetEnrolmentAsync(ScheduledEvent.CourseId, eventId, registrationId, ct)
                ?? Fail.NotFound<Enrolment>(ScheduledEvent.RegistrationName(eventId, registrationId));
        }

        return await InEventTermsAsync(eventId, registrationId, () => cohorts.GetEnrolmentAsync(caller, ScheduledEvent.CourseId, eventId, registrationId, ct));
    }

    /// <summary>Withdraws a registration (its client or an admin); the first waiting person takes the seat in the same write.</summary>
    public Task<Enrolment> WithdrawAsync(Caller caller, string eventId, string registrationId, string? etag, string? reason, CancellationToken ct) =>
        InEventTermsAsync(eventId, registrationId, () => cohorts.WithdrawAsync(caller, ScheduledEvent.CourseId, eventId, registrationId, etag, reason, ct));

    // The course API's "not found" names the hidden course; callers of this API get the registration's own name.
    private static async Task<Enrolment> InEventTermsAsync(string eventId, string registrationId, Func<Task<Enrolment>> call)
    {
        try
        {
            return await call();
        }
        catch (DomainException e) when (e.Kind == ErrorKind.NotFound)
        {
            return Fail.NotFound<Enrolment>(ScheduledEvent.RegistrationName(eventId, registrationId));
        }
    }

    /// <summary>An event's registrations (its hosts and admins), or the caller's own across events (no event given; clients).</summary>
    public async Task<Page<Enrolment>> ListRegistrationsAsync(Caller caller, string? eventId, EnrolmentState? state, int pageSize, string? pageToken,
        CancellationToken ct)
    {
        if (eventId is null)
        {
            if (caller.Role != Role.Client)
            {
                Fail.Invalid("parent", "events/- lists the caller's own registrations, which only clients have");
            }

            var own = await cohorts.PageEnrolmentsAsync(null, caller.UserId, state, pageSize, pageToken, ct);
            return own with { Items = [.. own.Items.Where(e => e.CourseId == ScheduledEvent.CourseId)] };
        }

        var found = await ReadAsync(caller, eventId, ct);
        if (!caller.IsAdmin && !IsHost(caller, found))
        {
            throw EventErrors.HostOrAdminRequired("list the event's registrations");
        }

        return await cohorts.PageEnrolmentsAsync(eventId, null, state, pageSize, pageToken, ct);
    }

    private async Task<Page<ScheduledEvent>> PageAsync(EventQuery query, int pageSize, string? pageToken, Func<ScheduledEvent, bool> visible, CancellationToken ct)
    {
        var filter = $"events|{query.From.ToUnixTimeMilliseconds()}|{query.To.ToUnixTimeMilliseconds()}|{query.Topic}|{query.HeldOnly}";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        var after = page.After is { } text ? EventCursor.Parse(text) ?? Fail.Invalid<EventCursor?>("page_token", "is not a token this call issued") : null;
        var profiles = await events.ListAsync(query with { After = after, Limit = page.Size + 1 }, ct);
        var byId = (await courses.GetCohortsAsync([.. profiles.Select(p => p.Id)], ct)).ToDictionary(c => c.Id);
        // The token follows what was read, so a page whose events are all hidden still leads on.
        var fetched = Page.FromFetched(profiles, page, p => new EventCursor(p.Start, p.Id).Format(), filter);
        // Listed by their copies, shown as their cohorts hold them: a copy a moment behind its event cannot show stale words.
        var items = fetched.Items.Where(p => byId.ContainsKey(p.Id)).Select(p => new ScheduledEvent(byId[p.Id], byId[p.Id].Event ?? p))
            .Where(e => query.Admits(e.Profile)).Where(visible).ToList();
        return new Page<ScheduledEvent>(items, fetched.NextPageToken);
    }

    private async Task<ScheduledEvent> ReadAsync(Caller caller, string eventId, CancellationToken ct)
    {
        var cohortTask = courses.GetCohortAsync(ScheduledEvent.CourseId, eventId, ct);
        var profileTask = events.GetAsync([eventId], ct);
        var (cohort, profiles) = (await cohortTask, await profileTask);
        var copy = profiles.Count > 0 ? profiles[0] : null;
        var profile = cohort?.Event ?? copy;
        if (cohort?.Event is { } own && (copy is null || copy.Version < own.Version))
        {
            // A process stopped between an event's write and its discovery copy: the copy catches up now.
            if (copy is null)
            {
                await events.CreateAsync(own, ct);
            }
            else
            {
                await events.CopyAsync(own, ct);
            }
        }

        return cohort is null || profile is null || (cohort.State == CohortState.Draft && !caller.IsAdmin)
            ? Fail.NotFound<ScheduledEvent>(ScheduledEvent.NameOf(eventId))
            : new ScheduledEvent(cohort, profile);
    }

    private async Task<bool> ShowsJoinLinkAsync(Caller caller, ScheduledEvent found, CancellationToken ct) =>
        caller.IsAdmin || IsHost(caller, found) || (caller.Role == Role.Client
            && (await courses.ListEnrolmentsAsync(new EnrolmentQuery(found.Id, caller.UserId, EnrolmentState.Enrolled, null, 1), ct)).Count > 0);

    private static bool IsHost(Caller caller, ScheduledEvent e) => caller.Role == Role.Coach && caller.CoachId is { } coach && e.Cohort.CoachIds.Contains(coach);

    private static IEnumerable<(string Field, bool Set)> AdminFields(EventDraft d) =>
    [
        ("title", d.Title is not null), ("topics", d.Topics is not null), ("kind", d.Kind is not null), ("hosts", d.HostIds is not null),
        ("start_time", d.Start is not null), ("duration", d.Duration is not null), ("time_zone", d.TimeZoneId is not null),
        ("capacity", d.Capacity is not null), ("registration_open_time", d.RegistrationOpen is not null),
        ("registration_close_time", d.RegistrationClose is not null), ("visibility", d.Visibility is not null),
        ("state", d.State is not null and not EventState.Held),
    ];

    // The cohort's part of a change, or null when the cohort stays as it is.
    private static CohortDraft? CohortChanges(ScheduledEvent current, EventDraft c, bool held)
    {
        var session = current.Session;
        var sessions = c.Start is not null || c.Duration is not null
            ? new[] { new CohortSession(c.Start ?? session.Start, c.Duration ?? session.Duration, string.Empty) }
            : null;
        CohortState? state = held ? (current.Cohort.State == CohortState.Open ? CohortState.Closed : null)
            : c.State is { } s ? (CohortState)(int)s : null;
        var draft = new CohortDraft(c.Title is null ? null : Excerpt(c.Title.Trim()), c.TimeZoneId, sessions, c.HostIds,
            c.Capacity is { } seats ? SeatsOf(seats) : null, c.RegistrationOpen, c.RegistrationClose, state);
        return draft == new CohortDraft() ? null : draft;
    }

    // Checks what create and update share; returns the normalized topics when sent.
    private static List<string>? CheckCommon(Violations v, EventDraft d)
    {
        v.FreeText(d.Description, $"{P}.description", EventProfile.MaxDescription);
        CheckLink(v, d.JoinLink, $"{P}.join_link");
        CheckLink(v, d.RecordingLink, $"{P}.recording_link");
        v.Require(d.Capacity is null or (>= 0 and <= ScheduledEvent.MaxSeats), $"{P}.capacity", $"must be 0 (unlimited) or 1..{ScheduledEvent.MaxSeats}");
        v.Require(d.Kind is null or EventKind.DropIn or EventKind.Webinar, $"{P}.kind", "must be drop-in or webinar");
        v.Require(d.Visibility is null or EventVisibility.Registrants or EventVisibility.Public, $"{P}.visibility", "must be registrants or public");
        if (d.HostIds is { } hosts)
        {
            v.Require(hosts.Count is >= 1 and <= 10 && hosts.Distinct().Count() == hosts.Count, $"{P}.hosts", "must name 1..10 distinct coaches");
        }

        if (d.Duration is { } length)
        {
            v.Require(length >= Shortest && length <= Longest && length.BclCompatibleTicks % Duration.FromMinutes(5).BclCompatibleTicks == 0,
                $"{P}.duration", "must be 15 minutes to 8 hours, in whole 5-minute steps");
        }

        if (d.Start is { } start)
        {
            v.Require(start.ToUnixTimeTicks() % Duration.FromMinutes(5).BclCompatibleTicks == 0, $"{P}.start_time", "must fall on a 5-minute boundary");
        }

        if (d.TimeZoneId is { } zone)
        {
            v.Require(DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is not null, $"{P}.time_zone", "must be an IANA time zone such as Europe/London");
        }

        if (d.Topics is not { } topics)
        {
            return null;
        }

        var normalized = topics.Select((t, i) => NormalizedTopic(v, t, $"{P}.topics[{i}]") ?? string.Empty).Distinct(StringComparer.Ordinal).ToList();
        v.Require(normalized.Count <= EventProfile.MaxTopics, $"{P}.topics", $"must hold at most {EventProfile.MaxTopics} topics");
        return normalized;
    }

    private static string? NormalizedTopic(Violations v, string? topic, string field)
    {
        if (string.IsNullOrEmpty(topic))
        {
            return null;
        }

        var trimmed = topic.Trim().ToLowerInvariant();
        v.SingleLine(trimmed, field, 1, 50);
        v.Require(!trimmed.Contains('|', StringComparison.Ordinal), field, "must not contain '|'");
        return trimmed;
    }

    private static void CheckLink(Violations v, string? link, string field)
    {
        if (string.IsNullOrEmpty(link))
        {
            return;
        }

        v.Require(link.Length <= 2000 && Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0
            && !link.Any(char.IsWhiteSpace), field, "must be an absolute https URL of at most 2000 characters");
    }

    private static int SeatsOf(int capacity) => capacity == 0 ? ScheduledEvent.MaxSeats : capacity;

    // A cohort's display name is at most 200 characters on one line, as a title is.
    private static string Excerpt(string title) => title.Length <= 200 ? title : title[..200];

    private async Task EnsureCourseAsync(Instant now, CancellationToken ct)
    {
        if (_courseExists)
        {
            return;
        }

        // One course holds every event's cohort; created once with a fixed request key, so every process and retry finds the same.
        await courses.CreateCourseAsync(Course.Create(ScheduledEvent.CourseId, "Events", "Drop-in sessions and webinars.", [], 1, now), CourseKey, ct);
        _courseExists = true;
    }

    private Instant Now() => Instants.TruncateToMilliseconds(clock.GetCurrentInstant());
}
