using Coaching.Domain.Common;
using Coaching.Domain.Courses;

namespace Coaching.Domain.Events;

/// <summary>
/// An event as callers see it: its cohort (time, hosts, seats, window, state, registrations) and its profile. The version is the
/// sum of both parts' versions, so it moves whenever either does.
/// </summary>
public sealed record ScheduledEvent(Cohort Cohort, EventProfile Profile)
{
    /// <summary>The course every event's cohort belongs to; hidden from the course API.</summary>
    public const string CourseId = Course.EventsId;

    /// <summary>The most seats an event holds; an unlimited event holds this many, and more people wait.</summary>
    public const int MaxSeats = 1000;

    /// <summary>The event id (its cohort's).</summary>
    public string Id => Cohort.Id;

    /// <summary><c>events/{event}</c>.</summary>
    public string Name => NameOf(Id);

    /// <summary>The state: the cohort's, or held once marked.</summary>
    public EventState State => Profile.HeldTime is not null ? EventState.Held : (EventState)(int)Cohort.State;

    /// <summary>The one session.</summary>
    public CohortSession Session => Cohort.Sessions[0];

    /// <summary>Seats; 0 when unlimited.</summary>
    public int Capacity => Profile.Unlimited ? 0 : Cohort.Capacity;

    /// <summary>Combined version (see the type).</summary>
    public long Version => Cohort.Version + Profile.Version;

    /// <summary>The ETag of <see cref="Version"/>.</summary>
    public string Etag => Etags.Of(Version);

    /// <summary><c>events/{id}</c>.</summary>
    public static string NameOf(string id) => $"events/{id}";

    /// <summary><c>events/{event}/registrations/{registration}</c>.</summary>
    public static string RegistrationName(string eventId, string registrationId) => $"{NameOf(eventId)}/registrations/{registrationId}";
}
