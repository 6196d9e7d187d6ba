using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using Coaching.Domain.Outbox;

namespace Coaching.Domain.Bookings;

/// <summary>The outbox entry of a booking change: its event (every change has one) and, when the change emits an invite, the e-mails.</summary>
public static class BookingOutbox
{
    /// <summary>The event type of a change from <paramref name="before"/> (null on create) to <paramref name="after"/>.</summary>
    public static string EventType(Booking? before, Booking after) => before switch
    {
        null => "booking.created",
        _ when before.State != after.State => after.State switch
        {
            BookingState.Confirmed => "booking.confirmed",
            BookingState.Declined => "booking.declined",
            BookingState.Cancelled => "booking.cancelled",
            BookingState.Completed => "booking.completed",
            BookingState.NoShow => "booking.no_show",
            _ => "booking.changed",
        },
        _ when before.Start != after.Start || before.End != after.End => "booking.moved",
        _ => "booking.changed",
    };

    /// <summary>What the change sends out: <paramref name="invite"/> as stored, and the outbox entry.</summary>
    public static Outgoing For(Booking? before, Booking after, Invite? invite, IEventEncoder encoder, string entryId)
    {
        var type = EventType(before, after);
        var time = after.UpdateTime;
        var mail = invite is null ? null : new MailOrder(invite.Method, invite.Uid, invite.Sequence, invite.Content, after.ClientName, after.ClientEmail,
            after.CoachName, after.CoachEmail, after.Title, after.Start, after.End, after.CoachTimeZoneId);

        var payload = encoder.Encode(entryId, type, after.Name, time, after);
        var audience = new[] { ResourceNames.User(after.ClientId), ResourceNames.Coach(after.CoachId) };
        return new Outgoing(invite, new OutboxEntry(entryId, type, after.Name, audience, payload, mail, time));
    }
}
