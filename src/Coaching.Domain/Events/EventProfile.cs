using NodaTime;

namespace Coaching.Domain.Events;

/// <summary>What kind of event it is.</summary>
public enum EventKind
{
    /// <summary>A drop-in Q&amp;A where coaches answer questions from anyone registered.</summary>
    DropIn = 1,

    /// <summary>A lunch-and-learn webinar on a topic.</summary>
    Webinar = 2,
}

/// <summary>Who may see a held event's recording besides its registrants and hosts.</summary>
public enum EventVisibility
{
    /// <summary>Registrants, hosts and admins only.</summary>
    Registrants = 1,

    /// <summary>Every signed-in user.</summary>
    Public = 2,
}

/// <summary>An event's life: a cohort's states, plus held once hosts mark it so.</summary>
public enum EventState
{
    /// <summary>Being prepared; admins only.</summary>
    Draft = 1,

    /// <summary>Taking registrations inside its window.</summary>
    Open = 2,

    /// <summary>No longer taking registrations.</summary>
    Closed = 3,

    /// <summary>Called off; registrants get a CANCEL.</summary>
    Cancelled = 4,

    /// <summary>It took place (marked by a host or an admin).</summary>
    Held = 5,
}

/// <summary>
/// The part of an event a cohort does not hold: what it is about, how to join, who may watch it afterwards. The event's
/// time, hosts, seats, registration window and registrations are its cohort's (see <see cref="EventDesk"/>); the profile's id
/// is the cohort's id. <see cref="Start"/> copies the cohort's session start for the discovery index.
/// </summary>
public sealed record EventProfile
{
    /// <summary>Longest title.</summary>
    public const int MaxTitle = 200;

    /// <summary>Longest description.</summary>
    public const int MaxDescription = 5000;

    /// <summary>Most topics.</summary>
    public const int MaxTopics = 10;

    /// <summary>The id of the event and of its cohort.</summary>
    public required string Id { get; init; }

    /// <summary>Drop-in or webinar.</summary>
    public required EventKind Kind { get; init; }

    /// <summary>The title, e.g. "Getting started in a PMO role".</summary>
    public required string Title { get; init; }

    /// <summary>What it is about.</summary>
    public required string Description { get; init; }

    /// <summary>Topic tags (lower case), for discovery.</summary>
    public required IReadOnlyList<string> Topics { get; init; }

    /// <summary>Where to join (an https URL); shown only to registrants, hosts and admins.</summary>
    public required string JoinLink { get; init; }

    /// <summary>Who may see the recording.</summary>
    public required EventVisibility Visibility { get; init; }

    /// <summary>True when the organiser set no capacity (the cohort then holds the most seats a line may hold).</summary>
    public required bool Unlimited { get; init; }

    /// <summary>The recording, once attached.</summary>
    public required string RecordingLink { get; init; }

    /// <summary>When a host marked it held; null until then.</summary>
    public required Instant? HeldTime { get; init; }

    /// <summary>The start of its session (a copy of the cohort's, for discovery).</summary>
    public required Instant Start { get; init; }

    /// <summary>Creation time.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary>Last change.</summary>
    public required Instant UpdateTime { get; init; }

    /// <summary>Optimistic-concurrency version, from 1.</summary>
    public required long Version { get; init; }
}
