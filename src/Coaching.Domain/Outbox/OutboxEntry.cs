using Coaching.Domain.Calendar;
using NodaTime;

namespace Coaching.Domain.Outbox;

/// <summary>
/// One change on its way out of the service, recorded in the same atomic write as the change itself: a public event (for the
/// event stream and webhooks), an invite to e-mail, or both. The store gives it a position in one ordered log when it commits;
/// the dispatcher fans it out into deliveries from there, so nothing that was committed can miss its messages.
/// </summary>
/// <param name="Id">Stable id (a ULID): the event id, the <c>webhook-id</c>, and the root of the e-mails' Message-IDs.</param>
/// <param name="Type">An event type such as <c>booking.confirmed</c>, or <see cref="InviteOnly"/> for an invite that is no public event.</param>
/// <param name="Resource">The resource that changed (<c>bookings/{id}</c>, an enrolment name, <c>coaches/{id}</c>); deliveries keep its order.</param>
/// <param name="Audience">Who may read it: <c>users/{id}</c>, <c>coaches/{id}</c>, or <see cref="Everyone"/>; admins read everything.</param>
/// <param name="Payload">The encoded event (see <see cref="IEventEncoder"/>); empty for an invite-only entry.</param>
/// <param name="Mail">The invite to e-mail, if the change emitted one.</param>
/// <param name="Time">When the change was made.</param>
public sealed record OutboxEntry(string Id, string Type, string Resource, IReadOnlyList<string> Audience, byte[] Payload, MailOrder? Mail, Instant Time)
{
    /// <summary>The type of an entry that only carries an invite.</summary>
    public const string InviteOnly = "invite";

    /// <summary>The audience entry of changes every signed-in caller may see (availability).</summary>
    public const string Everyone = "*";

    /// <summary>Whether the event stream and webhooks carry it.</summary>
    public bool IsPublic => Type != InviteOnly;
}

/// <summary>An entry as the log holds it, with its position (strictly increasing in commit order, never reused).</summary>
public sealed record LoggedEntry(long Position, OutboxEntry Entry);

/// <summary>
/// An invite to send by e-mail: the exact bytes stored as the invite (to the attendee, as an iMIP REQUEST or CANCEL; the
/// organizer, who must not receive a REQUEST for their own event, gets the same bytes with METHOD:PUBLISH), with what the
/// e-mails' readable parts say.
/// </summary>
public sealed record MailOrder(
    InviteMethod Method,
    string Uid,
    int Sequence,
    byte[] Invite,
    string AttendeeName,
    string AttendeeEmail,
    string OrganizerName,
    string OrganizerEmail,
    string Title,
    Instant Start,
    Instant End,
    string TimeZoneId);
