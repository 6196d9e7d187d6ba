using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>Reads a coach's committed time: active bookings and the cohort sessions they teach.</summary>
public interface IBusyTimeReader
{
    /// <summary>
    /// Every busy interval of the given coaches that overlaps <c>[rangeStart, rangeEnd)</c>, in one store query.
    /// </summary>
    /// <param name="coachIds">The coaches.</param>
    /// <param name="rangeStart">Start of the range.</param>
    /// <param name="rangeEnd">End of the range.</param>
    /// <param name="blockingOnly">
    /// Where time that only blocks (a coach's own calendar, which no cap counts) is needed, when narrower than the range (the range
    /// covers whole weeks for the caps; a listing needs blocking time only around its own days).
    /// </param>
    /// <param name="cancellationToken">Cancellation.</param>
    Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBusyAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart, Instant rangeEnd,
        CancellationToken cancellationToken, Interval? blockingOnly = null);
}
