using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>A booking list request as the caller sent it.</summary>
public sealed record BookingListRequest(string? CoachId, string? ClientId, IReadOnlyCollection<BookingState> States, Instant? StartFrom,
    Instant? StartBefore, int PageSize, string? PageToken);
