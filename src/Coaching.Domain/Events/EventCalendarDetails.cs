using Coaching.Domain.Courses;

namespace Coaching.Domain.Events;

/// <summary>
/// What an event's invites and feed entries say: its title, description and join link (the course says only "Events"), and its
/// hosts, who get invites of their own.
/// </summary>
public sealed class EventCalendarDetails(IEventStore events) : ICohortCalendarDetails
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, CohortCalendarDetails>> FindAsync(IReadOnlyCollection<Cohort> cohorts, CancellationToken cancellationToken)
    {
        var hosted = cohorts.Where(c => c.CourseId == ScheduledEvent.CourseId).ToDictionary(c => c.Id);
        if (hosted.Count == 0)
        {
            return new Dictionary<string, CohortCalendarDetails>();
        }

        // A cohort's own profile is the event's; only events not changed since profiles moved into cohorts are read from the store.
        var older = hosted.Values.Where(c => c.Event is null).Select(c => c.Id).ToList();
        var profiles = older.Count == 0 ? [] : await events.GetAsync(older, cancellationToken);
        return hosted.Values.Select(c => c.Event).OfType<EventProfile>().Concat(profiles)
            .ToDictionary(p => p.Id, p => new CohortCalendarDetails(p.Title, Words(p), p.JoinLink, hosted[p.Id].CoachIds));
    }

    private static string Words(EventProfile p) => p.JoinLink.Length == 0 ? p.Description : $"{p.Description}\n\nJoin: {p.JoinLink}".Trim();
}
