namespace Coaching.Domain.Bookings;

/// <summary>What a booking must hold while active: its time cells and one seat in each cap family.</summary>
public sealed record BookingClaims(IReadOnlyList<string> Cells, IReadOnlyList<CapFamily> Caps);
