using System.Security.Cryptography;
using System.Text;
using Coaching.Domain.Calendar;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>
/// Keeps each enrolled person's calendar in step with their cohort. After every change to a cohort or its enrolments,
/// <see cref="SyncAsync"/> compares what each enrolment should show with the last message sent to it, and sends the
/// difference: a REQUEST (all sessions, one VEVENT each) when someone holds a seat and has no live invite, or the
/// sessions changed; a CANCEL when someone withdrew, or the cohort was cancelled, after an invite. Waitlisted people
/// get nothing until promoted. Because it reconciles rather than reacting to one event, a message missed by a crash is
/// sent when the cohort itself next changes (which reconciles everyone). UIDs are <c>enrolment-{id}-{n}@coaching</c>, one per session, stable for the enrolment's life.
/// </summary>
public sealed class EnrolmentInvites(IEnrolmentInviteStore invites, ICourseStore courses, ICoachStore coaches, ICalendarWriter writer, IClock clock,
    IIdGenerator ids, ICohortCalendarDetails details)
{
    /// <summary>The invite id of a coach invited to a cohort (an event's host), kept beside the enrolments' ids.</summary>
    public static string HostInviteId(string cohortId, string coachId) => $"{cohortId}.host.{coachId}";

    /// <summary>The UID of session <paramref name="index"/> (0-based) of an enrolment.</summary>
    public static string Uid(string enrolmentId, int index) => $"enrolment-{enrolmentId}-{index + 1}@coaching";

    /// <summary>
    /// Sends whatever messages the current state calls for: for <paramref name="changed"/> enrolments only (an enrolment or
    /// a withdrawal touches one or two people, so the whole cohort is not read on those paths), or for everyone when null
    /// (a change of the cohort itself).
    /// </summary>
    public async Task SyncAsync(string courseId, string cohortId, IReadOnlyList<Enrolment>? changed, CancellationToken ct)
    {
        var cohortTask = courses.GetCohortAsync(courseId, cohortId, ct);
        var courseTask = courses.GetCourseAsync(courseId, ct);
        var latestTask = changed is null ? invites.LatestAsync(cohortId, ct) : invites.LatestForAsync([.. changed.Select(e => e.Id)], ct);
        var cohort = await cohortTask;
        var course = await courseTask;
        if (cohort is null || course is null)
        {
            return;
        }

        var latest = await latestTask;
        var enrolments = changed ?? await courses.ListEnrolmentsAsync(new EnrolmentQuery(cohortId, null, null, null, int.MaxValue), ct);
        var organizer = cohort.CoachIds.Count > 0 ? await coaches.GetCoachAsync(cohort.CoachIds[0], ct) : null;
        var extra = (await details.FindAsync([cohort], ct)).GetValueOrDefault(cohort.Id);
        var digest = Digest(cohort, extra);
        var live = cohort.State != CohortState.Cancelled;
        var parties = enrolments.Select(e => (Party: e, Seated: e.State == EnrolmentState.Enrolled && live)).ToList();
        if (changed is null && extra is not null)
        {
            parties.AddRange(await HostPartiesAsync(cohort, extra, latest.Keys, ct));
        }

        foreach (var (enrolment, seated) in parties)
        {
            var last = latest.GetValueOrDefault(enrolment.Id);
            InviteMethod? method = seated switch
            {
                true when last is null || last.Method == InviteMethod.Cancel || last.SessionsDigest != digest => InviteMethod.Request,
                false when last is { Method: InviteMethod.Request } => InviteMethod.Cancel,
                _ => null,
            };
            if (method is { } m)
            {
                var sequence = (last?.Sequence ?? -1) + 1;
                var now = Common.Instants.TruncateToMilliseconds(clock.GetCurrentInstant());
                var entries = Entries(course, cohort, enrolment, organizer, sequence, m == InviteMethod.Cancel ? SessionStatus.Cancelled : SessionStatus.Confirmed, now, extra);
                var invite = new Invite(sequence + 1, m, sequence, entries[0].Uid, writer.WriteInvite(m, entries), now);
                // A concurrent sync that already sent this SEQUENCE wins; its message says the same.
                await invites.TryAppendAsync(enrolment.Id, cohortId, invite, digest, Mail(course, cohort, enrolment, invite, entries), ct);
            }
        }
    }

    // The invited coaches as parties of their own (invited while the cohort runs and they are invited), plus every coach
    // invited before who no longer is, so they get a CANCEL. Their "enrolment" carries the coach's name and address.
    private async Task<IEnumerable<(Enrolment Party, bool Seated)>> HostPartiesAsync(Cohort cohort, CohortCalendarDetails extra,
        IEnumerable<string> invitedBefore, CancellationToken ct)
    {
        var prefix = HostInviteId(cohort.Id, string.Empty);
        var before = invitedBefore.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)).Select(id => id[prefix.Length..]);
        var all = extra.InvitedCoachIds.Union(before).ToList();
        var found = (await coaches.GetCoachesAsync(all, ct)).ToDictionary(c => c.Id);
        var running = cohort.State is CohortState.Open or CohortState.Closed;
        return all.Select(coachId => (new Enrolment
        {
            Id = HostInviteId(cohort.Id, coachId), CourseId = cohort.CourseId, CohortId = cohort.Id, ClientId = coachId,
            ClientName = found.GetValueOrDefault(coachId)?.DisplayName ?? coachId, ClientEmail = found.GetValueOrDefault(coachId)?.Email ?? string.Empty,
            State = EnrolmentState.Enrolled, Arrival = 0, WaitlistPosition = 0, CreateTime = cohort.CreateTime, UpdateTime = cohort.UpdateTime, Version = 1,
        }, running && extra.InvitedCoachIds.Contains(coachId)));
    }

    // The e-mails of an enrolment message: to the client, and to the cohort's first coach, the organizer of its sessions.
    private OutboxEntry Mail(Course course, Cohort cohort, Enrolment enrolment, Invite invite, List<SessionEntry> entries)
    {
        var first = entries[0];
        var title = entries.Count == 1 ? first.Summary : $"{course.Title} ({entries.Count} sessions)";
        var order = new MailOrder(invite.Method, invite.Uid, invite.Sequence, invite.Content,
            first.AttendeeName, enrolment.ClientEmail, first.OrganizerName, first.OrganizerEmail, title, first.Start, first.End, cohort.TimeZoneId);
        var host = enrolment.Id == HostInviteId(cohort.Id, enrolment.ClientId);
        var resource = host ? ResourceNames.Cohort(cohort.CourseId, cohort.Id) : ResourceNames.Enrolment(cohort.CourseId, cohort.Id, enrolment.Id);
        var audience = host ? ResourceNames.Coach(enrolment.ClientId) : ResourceNames.User(enrolment.ClientId);
        return new OutboxEntry(ids.NewId(), OutboxEntry.InviteOnly, resource, [audience], [], order, invite.CreateTime);
    }

    /// <summary>The calendar entries of an enrolment's sessions; <paramref name="extra"/> replaces the course's words where a cohort has its own.</summary>
    public static List<SessionEntry> Entries(Course course, Cohort cohort, Enrolment enrolment, Coach? organizer, int sequence, SessionStatus status, Instant stamp,
        CohortCalendarDetails? extra = null) =>
        [.. cohort.Sessions.Select((s, i) => new SessionEntry(
            Uid(enrolment.Id, i),
            sequence,
            s.Start,
            s.End,
            extra is not null ? extra.Summary
                : s.Title.Length == 0 ? $"{course.Title} ({i + 1}/{cohort.Sessions.Count})" : $"{course.Title}: {s.Title}",
            extra is not null ? extra.Description : $"{cohort.DisplayName}. {course.Description}".Trim(),
            organizer?.DisplayName ?? "Coaching",
            organizer?.Email ?? "courses@coaching.invalid",
            enrolment.ClientName.Length > 0 ? enrolment.ClientName : enrolment.ClientId,
            Attendees.Address(enrolment.ClientId, enrolment.ClientEmail),
            status,
            stamp) { Location = extra?.Location ?? string.Empty })];

    /// <summary>A digest of the schedule (and of a cohort's own words, when it has them), so a change sends a new REQUEST.</summary>
    public static string Digest(Cohort cohort, CohortCalendarDetails? extra = null) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join(';', cohort.Sessions.Select(s => $"{s.Start.ToUnixTimeMilliseconds()}+{(long)s.Duration.TotalSeconds}+{s.Title}"))
        + (extra is null ? string.Empty : $"\n{extra.Summary}\n{extra.Description}\n{extra.Location}"))).AsSpan(0, 8));
}
