namespace Coaching.Domain.Bookings;

/// <summary>
/// A family of cap seats: at most <see cref="Capacity"/> active bookings may hold a claim
/// <c>"{Prefix}|{k}"</c> with 0 ≤ k &lt; Capacity. The store picks a free k atomically with the booking write.
/// </summary>
public sealed record CapFamily(string Prefix, int Capacity);
