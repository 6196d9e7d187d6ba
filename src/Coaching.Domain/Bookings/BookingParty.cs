namespace Coaching.Domain.Bookings;

/// <summary>The client a booking is for, as the booking records them (name and e-mail for the invite; e-mail may be empty).</summary>
public sealed record BookingParty(string Id, string Name, string Email);
