using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using NodaTime;

namespace Coaching.Domain.Courses;

/// <summary>
/// Busy time of coaches: their active bookings, the sessions of live cohorts (and events) they teach, and what their own calendars
/// hold as of the last sync (marked external).
/// </summary>
public sealed class CommittedTime(IBookedTimeReader bookings, ICourseStore courses, ExternalCalendars.ICalendarConnectionStore calendars) : IBusyTimeReader
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<(string CoachId, BusyInterval Busy)>> ListBusyAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart,
        Instant rangeEnd, CancellationToken cancellationToken, Interval? blockingOnly = null)
    {
        var booked = bookings.ListBookedAsync(coachIds, rangeStart, rangeEnd, cancellationToken);
        var teaching = courses.ListTeachingAsync(coachIds, rangeStart, rangeEnd, cancellationToken);
        var external = calendars.ListBusyAsync(coachIds, blockingOnly?.Start ?? rangeStart, blockingOnly?.End ?? rangeEnd, cancellationToken);
        await Task.WhenAll(booked, teaching, external);
        return [.. await booked,
            .. (await teaching).Select(t => (t.CoachId, new BusyInterval(new Interval(t.Session.Start, t.Session.End), t.Session.Start, null))),
            .. (await external).Select(b => (b.CoachId, new BusyInterval(b.Busy, b.Busy.Start, null, External: true)))];
    }
}
