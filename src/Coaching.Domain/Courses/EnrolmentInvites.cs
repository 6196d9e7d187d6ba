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
    IIdGenerator ids)
{
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
        var digest = Digest(cohort);
        foreach (var enrolment in enrolments)
        {
            var last = latest.GetValueOrDefault(enrolment.Id);
            var seated = enrolment.State == EnrolmentState.Enrolled && cohort.State != CohortState.Cancelled;
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
                var entries = Entries(course, cohort, enrolment, organizer, sequence, m == InviteMethod.Cancel ? SessionStatus.Cancelled : SessionStatus.Confirmed, now);
                var invite = new Invite(sequence + 1, m, sequence, entries[0].Uid, writer.WriteInvite(m, entries), now);
                // A concurrent sync that already sent this SEQUENCE wins; its message says the same.
                await invites.TryAppendAsync(enrolment.Id, cohortId, invite, digest, Mail(course, cohort, enrolment, invite, entries), ct);
            }
        }
    }

    // The e-mails of an enrolment message: to the client, and to the cohort's first coach, the organizer of its sessions.
    private OutboxEntry Mail(Course course, Cohort cohort, Enrolment enrolment, Invite invite, List<SessionEntry> entries)
    {
        var first = entries[0];
        var title = entries.Count == 1 ? first.Summary : $"{course.Title} ({entries.Count} sessions)";
        var order = new MailOrder(invite.Method, invite.Uid, invite.Sequence, invite.Content,
            first.AttendeeName, enrolment.ClientEmail, first.OrganizerName, first.OrganizerEmail, title, first.Start, first.End, cohort.TimeZoneId);
        var resource = ResourceNames.Enrolment(cohort.CourseId, cohort.Id, enrolment.Id);
        return new OutboxEntry(ids.NewId(), OutboxEntry.InviteOnly, resource, [ResourceNames.User(enrolment.ClientId)], [], order, invite.CreateTime);
    }

    /// <summary>The calendar entries of an enrolment's sessions.</summary>
    public static List<SessionEntry> Entries(Course course, Cohort cohort, Enrolment enrolment, Coach? organizer, int sequence, SessionStatus status, Instant stamp) =>
        [.. cohort.Sessions.Select((s, i) => new SessionEntry(
            Uid(enrolment.Id, i),
            sequence,
            s.Start,
            s.End,
            s.Title.Length == 0 ? $"{course.Title} ({i + 1}/{cohort.Sessions.Count})" : $"{course.Title}: {s.Title}",
            $"{cohort.DisplayName}. {course.Description}".Trim(),
            organizer?.DisplayName ?? "Coaching",
            organizer?.Email ?? "courses@coaching.invalid",
            enrolment.ClientName.Length > 0 ? enrolment.ClientName : enrolment.ClientId,
            Attendees.Address(enrolment.ClientId, enrolment.ClientEmail),
            status,
            stamp))];

    /// <summary>A digest of the schedule, so a change of sessions sends a new REQUEST.</summary>
    public static string Digest(Cohort cohort) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join(';', cohort.Sessions.Select(s => $"{s.Start.ToUnixTimeMilliseconds()}+{(long)s.Duration.TotalSeconds}+{s.Title}")))).AsSpan(0, 8));
}
