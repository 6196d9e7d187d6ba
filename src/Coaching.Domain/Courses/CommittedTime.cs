using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>Committed time of coaches: their active bookings plus the sessions of live cohorts they teach.</summary>
public sealed class CommittedTime(IBookedTimeReader bookings, ICourseStore courses) : IBusyTimeReader
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBusyAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart,
        Instant rangeEnd, CancellationToken cancellationToken)
    {
        var booked = bookings.ListBookedAsync(coachIds, rangeStart, rangeEnd, cancellationToken);
        var teaching = courses.ListTeachingAsync(coachIds, rangeStart, rangeEnd, cancellationToken);
        await Task.WhenAll(booked, teaching);
        return [.. await booked,
            .. (await teaching).Select(t => (t.CoachId, new BusyInterval(new Interval(t.Session.Start, t.Session.End), t.Session.Start, null)))];
    }
}
