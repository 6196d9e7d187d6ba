using Coaching.Domain.Calendar;
using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>
/// Which iCalendar message a booking change emits (RFC 5546): the first REQUEST (SEQUENCE 0) when the booking
/// becomes confirmed; a REQUEST with the next SEQUENCE when a session already sent moves; a CANCEL with the next
/// SEQUENCE when a session already sent is cancelled or declined. A pending booking that never had an invite
/// emits nothing. The new sequence is stored with the booking in the same atomic write as the change.
/// </summary>
public static class BookingInvites
{
    /// <summary>The UID of a booking's event: stable for its life, globally unique (the booking id is a ULID).</summary>
    public static string Uid(string bookingId) => $"booking-{bookingId}@coaching";

    /// <summary>Applies the emission rules to a change from <paramref name="before"/> (null on create) to <paramref name="after"/>.</summary>
    /// <returns>The booking with its sequence updated, and the message to store with it, if any.</returns>
    /// <remarks>The invite is stored as its source (<see cref="InviteSource"/>): its text is written when it is read or sent.</remarks>
    public static (Booking Booking, Invite? Invite) Emit(Booking? before, Booking after, Instant now)
    {
        var sent = (before?.InviteSequence ?? -1) >= 0;
        InviteMethod? method = null;
        if (after.State == BookingState.Confirmed && !sent)
        {
            method = InviteMethod.Request;
        }
        else if (sent && after.IsActive && before is not null && (before.Start != after.Start || before.End != after.End))
        {
            method = InviteMethod.Request;
        }
        else if (sent && after.State is BookingState.Cancelled or BookingState.Declined)
        {
            method = InviteMethod.Cancel;
        }

        if (method is not { } m)
        {
            return (after with { InviteSequence = before?.InviteSequence ?? -1 }, null);
        }

        var sequence = checked((before?.InviteSequence ?? -1) + 1);
        var stamped = after with { InviteSequence = sequence };
        var entry = Entry(stamped, m == InviteMethod.Cancel ? SessionStatus.Cancelled : SessionStatus.Confirmed, now);
        var content = InviteSource.Encode(m, [entry]);
        return (stamped, new Invite(sequence + 1, m, sequence, entry.Uid, content, now));
    }

    /// <summary>The calendar entry of a booking as it stands (for invites and feeds).</summary>
    public static SessionEntry Entry(Booking booking, SessionStatus status, Instant stamp) => new(
        Uid(booking.Id),
        Math.Max(booking.InviteSequence, 0),
        booking.Start,
        booking.End,
        booking.Title,
        booking.Agenda,
        booking.CoachName,
        booking.CoachEmail,
        booking.ClientName,
        Attendees.Address(booking.ClientId, booking.ClientEmail),
        status,
        stamp);
}
