using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Identity;
using NodaTime;

namespace Coaching.Domain.Feeds;

/// <summary>
/// Personal subscription feeds. A token is HMAC-SHA256(server secret, owner and generation): 256 bits nobody can
/// guess without the secret, recomputable so the owner can see their URL again, and revoked at once by rotation
/// (a new generation changes the token, and only the new token's SHA-256 is stored for lookup).
/// </summary>
public sealed class FeedDesk(IFeedStore feeds, IBookingStore bookings, Courses.ICourseStore courses, IEnrolmentInviteStore enrolmentInvites,
    Coaches.ICoachStore coaches, ICalendarWriter writer, IClock clock, Courses.ICohortCalendarDetails details)
{
    /// <summary>How far back a feed shows sessions.</summary>
    public static readonly Duration History = Duration.FromDays(30);

    /// <summary>Most sessions in one feed.</summary>
    public const int MaxEntries = 500;

    /// <summary>The caller's feed (created on first request).</summary>
    public async Task<FeedAccess> GetAsync(Caller caller, string feedName, CancellationToken ct)
    {
        var owner = Authorize(caller, feedName);
        var secret = await SecretAsync(ct);
        var feed = await feeds.GetAsync(owner, ct)
            ?? await feeds.CreateAsync(Generation(secret, owner, 1), ct);
        return new FeedAccess(feedName, Token(secret, owner, feed.Generation), feed.RotateTime);
    }

    /// <summary>Issues a new token; the old URL stops working immediately.</summary>
    public async Task<FeedAccess> RotateAsync(Caller caller, string feedName, CancellationToken ct)
    {
        var owner = Authorize(caller, feedName);
        var secret = await SecretAsync(ct);
        var current = await feeds.GetAsync(owner, ct)
            ?? await feeds.CreateAsync(Generation(secret, owner, 1), ct);
        var next = Generation(secret, owner, checked(current.Generation + 1));
        var stored = await feeds.RotateAsync(next, current.Generation, ct);
        return new FeedAccess(feedName, Token(secret, owner, stored.Generation), stored.RotateTime);
    }

    /// <summary>The feed bytes for a token, or null when the token is unknown or revoked.</summary>
    public async Task<byte[]?> RenderAsync(string token, CancellationToken ct)
    {
        if (token.Length is 0 or > 100)
        {
            return null;
        }

        var owner = await feeds.FindOwnerAsync(Hash(token), ct);
        if (owner is null)
        {
            return null;
        }

        var parts = owner.Split('/');
        var since = clock.GetCurrentInstant() - History;
        var query = parts[0] == "coaches"
            ? new BookingQuery(parts[1], null, [], since, null, null, MaxEntries)
            : new BookingQuery(null, parts[1], [], since, null, null, MaxEntries);
        var rows = await bookings.ListAsync(query, ct);
        var entries = rows.Select(Entry).OfType<SessionEntry>().ToList();
        entries.AddRange(parts[0] == "users"
            ? await CohortEntriesAsync(parts[1], since, ct)
            : await TeachingEntriesAsync(parts[1], since, ct));
        return writer.WriteFeed(parts[0] == "coaches" ? "Coaching sessions (coach)" : "Coaching sessions", entries);
    }

    // A feed shows what the invites said: sent sessions as confirmed or cancelled, pending ones as tentative; a pending
    // booking that was declined or withdrawn never reached a calendar, so it does not appear. DTSTAMP is the booking's
    // last change, so an unchanged feed has unchanged bytes and ETags work.
    private static SessionEntry? Entry(Booking b) => b.State switch
    {
        BookingState.Pending => BookingInvites.Entry(b, SessionStatus.Tentative, b.UpdateTime),
        BookingState.Confirmed or BookingState.Completed or BookingState.NoShow => BookingInvites.Entry(b, SessionStatus.Confirmed, b.UpdateTime),
        BookingState.Cancelled or BookingState.Declined when b.InviteSequence >= 0 => BookingInvites.Entry(b, SessionStatus.Cancelled, b.UpdateTime),
        _ => null,
    };

    // A client's cohort sessions, as their last invite left them (confirmed, or cancelled after a withdrawal): one query for the
    // enrolments, one for their latest invites, then one each for their cohorts, courses and organizers, together.
    private async Task<List<SessionEntry>> CohortEntriesAsync(string clientId, Instant since, CancellationToken ct)
    {
        var enrolments = await courses.ListEnrolmentsAsync(new EnrolmentQuery(null, clientId, null, null, MaxEntries), ct);
        if (enrolments.Count == 0)
        {
            return [];
        }

        var latest = await enrolmentInvites.LatestForAsync([.. enrolments.Select(e => e.Id)], ct);
        var invited = enrolments.Where(e => latest.ContainsKey(e.Id)).ToList();
        var cohortsTask = courses.GetCohortsAsync([.. invited.Select(e => e.CohortId).Distinct()], ct);
        var coursesTask = courses.GetCoursesAsync([.. invited.Select(e => e.CourseId).Distinct()], ct);
        var cohorts = (await cohortsTask).ToDictionary(c => c.Id);
        var courseById = (await coursesTask).ToDictionary(c => c.Id);
        var organizers = (await coaches.GetCoachesAsync([.. cohorts.Values.Where(c => c.CoachIds.Count > 0).Select(c => c.CoachIds[0]).Distinct()], ct)
            ).ToDictionary(c => c.Id);
        var extras = await details.FindAsync(cohorts.Values, ct);
        var entries = new List<SessionEntry>();
        foreach (var enrolment in invited)
        {
            if (!cohorts.TryGetValue(enrolment.CohortId, out var cohort) || !courseById.TryGetValue(enrolment.CourseId, out var course))
            {
                continue;
            }

            var organizer = cohort.CoachIds.Count > 0 ? organizers.GetValueOrDefault(cohort.CoachIds[0]) : null;
            var last = latest[enrolment.Id];
            var status = last.Method == InviteMethod.Cancel ? SessionStatus.Cancelled : SessionStatus.Confirmed;
            entries.AddRange(EnrolmentInvites.Entries(course, cohort, enrolment, organizer, last.Sequence, status, cohort.UpdateTime, extras.GetValueOrDefault(cohort.Id))
                .Where(e => e.End >= since));
        }

        return entries;
    }

    // The cohort sessions a coach teaches (events they host included), from the last 30 days and the coming year: one query for the
    // sessions, then the coach, the titles of their courses and their cohorts' own words, together.
    private async Task<List<SessionEntry>> TeachingEntriesAsync(string coachId, Instant since, CancellationToken ct)
    {
        var sessions = await courses.ListTeachingAsync([coachId], since, since + Duration.FromDays(400), ct);
        if (sessions.Count == 0)
        {
            return [];
        }

        var coachTask = coaches.GetCoachAsync(coachId, ct);
        var titlesTask = courses.GetCoursesAsync([.. sessions.Select(s => s.CourseId).Distinct()], ct);
        var cohortsTask = courses.GetCohortsAsync([.. sessions.Select(s => s.CohortId).Distinct()], ct);
        var coach = await coachTask;
        var titles = (await titlesTask).ToDictionary(c => c.Id, c => c.Title);
        var extras = await details.FindAsync(await cohortsTask, ct);
        return [.. sessions.OrderBy(s => s.Session.Start).Take(MaxEntries).Select(s =>
        {
            // An event says what it is about; a course session says which course and which session.
            var extra = extras.GetValueOrDefault(s.CohortId);
            return new SessionEntry($"cohort-{s.CohortId}-{s.Index + 1}@coaching", 0, s.Session.Start, s.Session.End,
                extra?.Summary ?? $"{titles.GetValueOrDefault(s.CourseId, "Course")} (session {s.Index + 1})", extra?.Description ?? string.Empty,
                coach?.DisplayName ?? coachId, coach?.Email ?? "courses@coaching.invalid", string.Empty, string.Empty, SessionStatus.Confirmed, s.Session.Start)
            {
                Location = extra?.Location ?? string.Empty,
            };
        })];
    }

    private static string Authorize(Caller caller, string feedName)
    {
        var parts = (feedName ?? string.Empty).Split('/');
        if (parts.Length != 3 || parts[2] != "feed" || parts[1].Length == 0 || parts[0] is not ("users" or "coaches"))
        {
            Fail.Invalid("name", "must be users/{user}/feed or coaches/{coach}/feed");
        }

        var allowed = caller.IsAdmin
            || (parts[0] == "users" && caller.Role == Role.Client && caller.UserId == parts[1])
            || (parts[0] == "coaches" && caller.ActsFor(parts[1]));
        if (!allowed)
        {
            Fail.PermissionDenied("NOT_RESOURCE_OWNER", "Only the feed's owner or an admin may see or rotate it.");
        }

        return $"{parts[0]}/{parts[1]}";
    }

    private async Task<byte[]> SecretAsync(CancellationToken ct) =>
        await feeds.GetOrCreateSecretAsync(RandomNumberGenerator.GetBytes(32), ct);

    private FeedRecord Generation(byte[] secret, string owner, int generation) =>
        new(owner, generation, Hash(Token(secret, owner, generation)), Instants.TruncateToMilliseconds(clock.GetCurrentInstant()));

    private static string Token(byte[] secret, string owner, int generation) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{owner}|{generation}")));

    /// <summary>The stored form of a token.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
