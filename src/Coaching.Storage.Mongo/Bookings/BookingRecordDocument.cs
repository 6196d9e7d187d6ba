namespace Coaching.Storage.Mongo.Bookings;

/// <summary>
/// An old entry of a booking moved out of its document into <c>booking_records</c>: a history event or an emitted iCalendar
/// message. Only a record: nothing about it is decided again, so it need not share the booking's single-document writes.
/// The id is derived from the booking, the kind and the entry's position, so writing a record again is a no-op.
/// </summary>
public sealed class BookingRecordDocument
{
    public const string Collection = "booking_records";

    /// <summary>The kind of a history event.</summary>
    public const string HistoryKind = "history";

    /// <summary>The kind of an emitted iCalendar message.</summary>
    public const string InviteKind = "invite";

    public string Id { get; set; } = string.Empty;

    public string BookingId { get; set; } = string.Empty;

    public string Kind { get; set; } = string.Empty;

    /// <summary>The entry's position among all of the booking's entries of its kind, from 0.</summary>
    public int Seq { get; set; }

    public BookingEventDocument? Event { get; set; }

    public InviteDocument? Invite { get; set; }

    public static BookingRecordDocument Of(string bookingId, int seq, BookingEventDocument e) =>
        new() { Id = IdOf(bookingId, HistoryKind, seq), BookingId = bookingId, Kind = HistoryKind, Seq = seq, Event = e };

    public static BookingRecordDocument Of(string bookingId, int seq, InviteDocument invite) =>
        new() { Id = IdOf(bookingId, InviteKind, seq), BookingId = bookingId, Kind = InviteKind, Seq = seq, Invite = invite };

    private static string IdOf(string bookingId, string kind, int seq) =>
        FormattableString.Invariant($"{bookingId}/{kind}/{seq:D9}");
}
