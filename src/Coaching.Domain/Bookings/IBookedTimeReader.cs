using Coaching.Domain.Availability;
using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>
/// Reads the time active bookings block (sessions with their buffers); implemented by the booking stores. The committed time of a
/// coach as a whole (bookings and the cohort sessions they teach) is <see cref="IBusyTimeReader"/>.
/// </summary>
public interface IBookedTimeReader
{
    /// <summary>Every active booking's blocked time of the given coaches that overlaps <c>[rangeStart, rangeEnd)</c>, in one store query.</summary>
    Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBookedAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart, Instant rangeEnd,
        CancellationToken cancellationToken);
}
