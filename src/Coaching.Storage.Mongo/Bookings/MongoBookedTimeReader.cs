using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Bookings;

/// <summary>Busy time from active bookings, through the partial (coach_id, block_start) index.</summary>
public sealed class MongoBookedTimeReader(MongoStore store) : IBookedTimeReader
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBookedAsync(IReadOnlyCollection<string> coachIds,
        Instant rangeStart, Instant rangeEnd, CancellationToken cancellationToken)
    {
        var documents = await store.Bookings.Find(BookingQueries.Busy(coachIds, rangeStart, rangeEnd))
            .Project(d => new { d.Id, d.CoachId, d.BlockStart, d.BlockEnd, d.StartTime, d.OfferingId })
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => (d.CoachId, new BusyInterval(new Interval(Instant.FromDateTimeUtc(d.BlockStart),
            Instant.FromDateTimeUtc(d.BlockEnd)), Instant.FromDateTimeUtc(d.StartTime), (string?)d.OfferingId, (string?)d.Id)));
    }
}
