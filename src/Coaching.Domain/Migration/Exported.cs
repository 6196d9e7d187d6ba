using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Events;
using Coaching.Domain.Feeds;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Migration;

/// <summary>
/// One item copied from one store to another, with everything the target needs to hold it exactly as the source did
/// (idempotency keys, claims, emitted invites). <see cref="Key"/> orders a kind's items; a copy resumes after the last key
/// the target recorded.
/// </summary>
public interface IExported
{
    /// <summary>The item's position in its kind: ordinal string order.</summary>
    string Key { get; }

    /// <summary>The source rows the item stands for (what the final comparison counts).</summary>
    int Rows => 1;
}

/// <summary>A coach, deleted or not.</summary>
public sealed record ExportedCoach(Coach Coach, Instant? DeleteTime, IdempotencyKey? Request) : IExported
{
    /// <inheritdoc />
    public string Key => Coach.Id;
}

/// <summary>An offering, deleted or not.</summary>
public sealed record ExportedOffering(Offering Offering, Instant? DeleteTime, IdempotencyKey? Request) : IExported
{
    /// <inheritdoc />
    public string Key => Offering.Id;
}

/// <summary>A coach's weekly hours.</summary>
public sealed record ExportedSchedule(WeeklySchedule Schedule) : IExported
{
    /// <inheritdoc />
    public string Key => Schedule.CoachId;
}

/// <summary>A date override.</summary>
public sealed record ExportedOverride(DateOverride Override, IdempotencyKey? Request) : IExported
{
    /// <inheritdoc />
    public string Key => Override.Id;
}

/// <summary>A booking with the claims it holds (none unless active) and every invite it emitted, oldest first.</summary>
public sealed record ExportedBooking(Booking Booking, IdempotencyKey? Request, IReadOnlyList<string> Claims, IReadOnlyList<Invite> Invites) : IExported
{
    /// <inheritdoc />
    public string Key => Booking.Id;
}

/// <summary>A personal feed (only its token's hash).</summary>
public sealed record ExportedFeed(FeedRecord Feed) : IExported
{
    /// <inheritdoc />
    public string Key => Feed.Owner;
}

/// <summary>A stored setting (e.g. the secret feed tokens derive from, so subscribed URLs keep working).</summary>
public sealed record ExportedSetting(string Name, byte[] Value) : IExported
{
    /// <inheritdoc />
    public string Key => Name;
}

/// <summary>A course.</summary>
public sealed record ExportedCourse(Course Course, IdempotencyKey? Request) : IExported
{
    /// <inheritdoc />
    public string Key => Course.Id;
}

/// <summary>
/// A cohort with the claims its sessions hold and all its enrolments (seated and waiting in arrival order, then withdrawn);
/// <see cref="NextArrival"/> is the arrival the next request will take.
/// </summary>
public sealed record ExportedCohort(Cohort Cohort, IdempotencyKey? Request, IReadOnlyList<string> Claims, long NextArrival,
    IReadOnlyList<ExportedEnrolment> Enrolments) : IExported
{
    /// <inheritdoc />
    public string Key => Cohort.Id;
}

/// <summary>An enrolment and the request that made it.</summary>
public sealed record ExportedEnrolment(Enrolment Enrolment, IdempotencyKey? Request);

/// <summary>Every iCalendar message sent for one enrolment, oldest first.</summary>
public sealed record ExportedEnrolmentInvites(string EnrolmentId, string CohortId, IReadOnlyList<ExportedEnrolmentInvite> Invites) : IExported
{
    /// <inheritdoc />
    public string Key => EnrolmentId;

    /// <inheritdoc />
    public int Rows => Invites.Count;
}

/// <summary>One message sent for an enrolment and the digest of the sessions it described.</summary>
public sealed record ExportedEnrolmentInvite(Invite Invite, string SessionsDigest);

/// <summary>A webhook subscription.</summary>
public sealed record ExportedWebhook(Webhook Webhook, IdempotencyKey? Request) : IExported
{
    /// <inheritdoc />
    public string Key => Webhook.Id;
}

/// <summary>An entry of the event log at its position.</summary>
public sealed record ExportedLogEntry(long Position, OutboxEntry Entry) : IExported
{
    /// <summary>The position, zero-padded so string order is position order.</summary>
    /// <inheritdoc />
    public string Key => PositionKey(Position);

    /// <summary>The key of <paramref name="position"/>.</summary>
    public static string PositionKey(long position) => position.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A delivery (e-mail or webhook call), whatever its state.</summary>
public sealed record ExportedDelivery(Delivery Delivery) : IExported
{
    /// <inheritdoc />
    public string Key => Delivery.Id;
}

/// <summary>An event's profile.</summary>
public sealed record ExportedEventProfile(EventProfile Profile) : IExported
{
    /// <inheritdoc />
    public string Key => Profile.Id;
}

/// <summary>A question with the request that asked it and everyone who voted for it.</summary>
public sealed record ExportedQuestion(Question Question, IdempotencyKey Request, IReadOnlyList<string> Voters) : IExported
{
    /// <inheritdoc />
    public string Key => Question.Id;
}

/// <summary>
/// A calendar connection as stored (its URL and credentials still sealed with the source's key, which the target's servers must
/// share) and the busy time kept from it.
/// </summary>
public sealed record ExportedCalendarConnection(ExternalCalendars.CalendarConnection Connection, IdempotencyKey? Request,
    IReadOnlyList<Interval> Busy) : IExported
{
    /// <inheritdoc />
    public string Key => Connection.Id;
}
