using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>A booking list query; order is (start, id).</summary>
public sealed record BookingQuery(
    string? CoachId,
    string? ClientId,
    IReadOnlyCollection<BookingState> States,
    Instant? StartFrom,
    Instant? StartBefore,
    BookingCursor? After,
    int Limit);
