namespace Coaching.Domain.Courses;

/// <summary>
/// What a cohort's calendar entries say when its course's title and description are not the whole story (an event: its own
/// title, description and join link), and the coaches who get invites of their own beside the enrolled people.
/// </summary>
public sealed record CohortCalendarDetails(string Summary, string Description, string Location, IReadOnlyList<string> InvitedCoachIds);

/// <summary>Finds <see cref="CohortCalendarDetails"/> for cohorts that have them.</summary>
public interface ICohortCalendarDetails
{
    /// <summary>The details of each of <paramref name="cohorts"/> that has any, by cohort id, in one read.</summary>
    Task<IReadOnlyDictionary<string, CohortCalendarDetails>> FindAsync(IReadOnlyCollection<Cohort> cohorts, CancellationToken cancellationToken);
}
