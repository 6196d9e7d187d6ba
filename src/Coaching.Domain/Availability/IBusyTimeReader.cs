using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>Reads a coach's committed time: active bookings and the cohort sessions they teach.</summary>
public interface IBusyTimeReader
{
    /// <summary>
    /// Every busy interval of the given coaches that overlaps <c>[rangeStart, rangeEnd)</c>, in one store query.
    /// </summary>
    Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBusyAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart, Instant rangeEnd,
        CancellationToken cancellationToken);
}
