using Coaching.Domain.Bookings;
using NodaTime;

namespace Coaching.Storage.Mongo.Bookings;

/// <summary>One state change inside a booking document.</summary>
public sealed class BookingEventDocument
{
    public int State { get; set; }

    public string Actor { get; set; } = string.Empty;

    public DateTime Time { get; set; }

    public string Reason { get; set; } = string.Empty;

    public DateTime? PreviousStart { get; set; }

    public string? RequestId { get; set; }

    public static BookingEventDocument From(BookingEvent e) => new()
    {
        RequestId = e.RequestId,
        State = (int)e.State,
        Actor = e.Actor,
        Time = e.Time.ToDateTimeUtc(),
        Reason = e.Reason,
        PreviousStart = e.PreviousStart?.ToDateTimeUtc(),
    };

    public BookingEvent ToDomain() => new((BookingState)State, Actor, Instant.FromDateTimeUtc(Time), Reason,
        PreviousStart is { } p ? Instant.FromDateTimeUtc(p) : null, RequestId);
}
