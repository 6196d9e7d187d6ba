using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>What a caller asks to book.</summary>
/// <param name="CoachId">The offering's coach.</param>
/// <param name="OfferingId">The offering.</param>
/// <param name="Start">The requested start; must be an open slot.</param>
/// <param name="Agenda">The client's questions, at most <see cref="BookingDesk.MaxAgendaLength"/> characters.</param>
/// <param name="ClientId">For admins booking on a client's behalf; ignored (must be empty or the caller) for clients.</param>
public sealed record BookingRequest(string CoachId, string OfferingId, Instant Start, string? Agenda, string? ClientId);
