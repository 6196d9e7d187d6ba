using System.Text.Json;
using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using NodaTime;

namespace Coaching.Storage.Sqlite.Bookings;

/// <summary>Busy time from active bookings, through the partial index on (coach_id, block_start).</summary>
public sealed class SqliteBookedTimeReader(SqliteDatabase database) : IBookedTimeReader
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBookedAsync(IReadOnlyCollection<string> coachIds,
        Instant rangeStart, Instant rangeEnd, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            """
            SELECT coach_id, block_start, block_end, start_time, offering_id, id FROM bookings
            WHERE coach_id IN (SELECT value FROM json_each($ids)) AND state IN (1, 2)
              AND block_start > $lowest AND block_start < $end AND block_end > $start
            """)
            .With("$ids", JsonSerializer.Serialize(coachIds)).With("$start", rangeStart).With("$end", rangeEnd)
            .With("$lowest", rangeStart - Offering.LongestBlock); // bounds the index range scan
        return await select.ListAsync(r => (r.GetString(0),
            new BusyInterval(new Interval(r.GetInstant(1), r.GetInstant(2)), r.GetInstant(3), r.GetString(4), r.GetString(5))), cancellationToken);
    }
}
