using Coaching.Domain.Bookings;
using Coaching.Domain.Common;
using Coaching.Server.Mapping;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Bookings;

/// <summary>Hand-written mapping of bookings; all instants cross here as UTC timestamps.</summary>
internal static class BookingMapper
{
    public static string ParseName(string? name, string field = "name")
    {
        var parts = (name ?? string.Empty).Split('/');
        return parts.Length == 2 && parts[0] == "bookings" && parts[1].Length is > 0 and <= 64
            ? parts[1]
            : Fail.Invalid<string>(field, "must have the form bookings/{booking}");
    }

    public static BookingRequest ToRequest(Proto.Booking? booking)
    {
        if (booking is null)
        {
            return Fail.Invalid<BookingRequest>("booking", "is required");
        }

        var (coachId, offeringId) = ResourceNames.ParseOffering(booking.Offering, "booking.offering");
        var start = TimeMapping.ToInstant(booking.StartTime, "booking.start_time");
        return new BookingRequest(coachId, offeringId, start, booking.Agenda, ResourceNames.ParseOptionalUser(booking.Client, "booking.client"));
    }

    public static BookingState ToState(Proto.BookingState state, string field) => state switch
    {
        Proto.BookingState.Pending => BookingState.Pending,
        Proto.BookingState.Confirmed => BookingState.Confirmed,
        Proto.BookingState.Declined => BookingState.Declined,
        Proto.BookingState.Cancelled => BookingState.Cancelled,
        Proto.BookingState.Completed => BookingState.Completed,
        Proto.BookingState.NoShow => BookingState.NoShow,
        _ => Fail.Invalid<BookingState>(field, "is not a booking state"),
    };

    public static Proto.BookingState ToProto(BookingState state) => state switch
    {
        BookingState.Pending => Proto.BookingState.Pending,
        BookingState.Confirmed => Proto.BookingState.Confirmed,
        BookingState.Declined => Proto.BookingState.Declined,
        BookingState.Cancelled => Proto.BookingState.Cancelled,
        BookingState.Completed => Proto.BookingState.Completed,
        BookingState.NoShow => Proto.BookingState.NoShow,
        _ => Proto.BookingState.Unspecified,
    };

    public static Proto.Booking ToProto(Booking b) => new()
    {
        Name = b.Name,
        Offering = ResourceNames.Offering(b.CoachId, b.OfferingId),
        Coach = ResourceNames.Coach(b.CoachId),
        Client = ResourceNames.User(b.ClientId),
        StartTime = TimeMapping.ToTimestamp(b.Start),
        EndTime = TimeMapping.ToTimestamp(b.End),
        CoachTimeZone = b.CoachTimeZoneId,
        Agenda = b.Agenda,
        State = ToProto(b.State),
        History =
        {
            b.History.Select(e => new Proto.BookingEvent
            {
                State = ToProto(e.State),
                Actor = e.Actor,
                Time = TimeMapping.ToTimestamp(e.Time),
                Reason = e.Reason,
                PreviousStartTime = e.PreviousStart is { } p ? TimeMapping.ToTimestamp(p) : null,
            }),
        },
        CreateTime = TimeMapping.ToTimestamp(b.CreateTime),
        UpdateTime = TimeMapping.ToTimestamp(b.UpdateTime),
        Etag = b.Etag,
    };
}
