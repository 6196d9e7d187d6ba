using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>The outcome of a slot computation.</summary>
/// <param name="Slots">Open start instants in order.</param>
/// <param name="Days">One status per coach-local date touched by the range.</param>
public sealed record SlotListing(IReadOnlyList<Instant> Slots, IReadOnlyList<(LocalDate Date, DayStatus Status)> Days);
