using System.Text.Json;
using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using NodaTime;

namespace Coaching.Storage.Sqlite.Bookings;

/// <summary>
/// Busy time from active bookings, through <c>bookings_by_coach</c>: a booking's block overlaps a range only if its session
/// starts less than the longest session and after-buffer before the range and less than the longest before-buffer after its
/// end, so the query is one bounded range of that index per coach (cancelled bookings inside it are read and left out).
/// </summary>
public sealed class SqliteBookedTimeReader(SqliteDatabase database) : IBookedTimeReader
{
    /// <summary>The busy-time query (for the query-plan test).</summary>
    internal const string Sql =
        """
        SELECT coach_id, block_start, block_end, start_time, offering_id, id FROM bookings
        WHERE coach_id IN (SELECT value FROM json_each($ids)) AND start_time > $lowest AND start_time < $highest
          AND state IN (1, 2) AND block_start < $end AND block_end > $start
        """;

    /// <inheritdoc />
    public async Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBookedAsync(IReadOnlyCollection<string> coachIds,
        Instant rangeStart, Instant rangeEnd, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(Sql)
            .With("$ids", JsonSerializer.Serialize(coachIds)).With("$start", rangeStart).With("$end", rangeEnd)
            // block_end > start means start_time > start - duration - buffer after; block_start < end means start_time < end + buffer before.
            .With("$lowest", rangeStart - Offering.MaxDuration - Offering.MaxBuffer)
            .With("$highest", rangeEnd + Offering.MaxBuffer);
        return await select.ListAsync(r => (r.GetString(0),
            new BusyInterval(new Interval(r.GetInstant(1), r.GetInstant(2)), r.GetInstant(3), r.GetString(4), r.GetString(5))), cancellationToken);
    }
}
