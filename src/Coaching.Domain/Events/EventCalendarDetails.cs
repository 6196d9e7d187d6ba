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

        var profiles = await events.GetAsync(hosted.Keys, cancellationToken);
        return profiles.ToDictionary(p => p.Id, p => new CohortCalendarDetails(p.Title, Words(p), p.JoinLink, hosted[p.Id].CoachIds));
    }

    private static string Words(EventProfile p) => p.JoinLink.Length == 0 ? p.Description : $"{p.Description}\n\nJoin: {p.JoinLink}".Trim();
}
