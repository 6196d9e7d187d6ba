using NodaTime;

namespace Coaching.Domain.Events;

/// <summary>
/// Persistence of event profiles. Seats, the waitlist and the hosts' time are the course store's (an event is a cohort); this
/// store keeps what else an event says, indexed by topic and start for discovery. The cohort carries the authoritative profile
/// (<see cref="Courses.Cohort.Event"/>) once the event was made or changed since; this store's is then a copy of it.
/// </summary>
public interface IEventStore
{
    /// <summary>Inserts a profile; when one with its id exists, returns that one unchanged (a retried create).</summary>
    Task<EventProfile> CreateAsync(EventProfile profile, CancellationToken cancellationToken);

    /// <summary>The profiles among <paramref name="ids"/>, in one query (unknown ids are absent).</summary>
    Task<IReadOnlyList<EventProfile>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored profile with <paramref name="profile"/> when the stored one is older (a lower version); false when it is
    /// as new or newer, or there is none. Since an event's profile moved into its cohort (<see cref="Courses.Cohort.Event"/>), which one
    /// conditional write changes whole, this store holds a copy for discovery, written after that write; copies may arrive out of order.
    /// </summary>
    Task<bool> CopyAsync(EventProfile profile, CancellationToken cancellationToken);

    /// <summary>
    /// Profiles whose start is in <c>[from, to)</c>, with the topic when one is given (and, when the query asks for held ones, only
    /// held ones with a recording), ordered by start then id, after the cursor.
    /// </summary>
    Task<IReadOnlyList<EventProfile>> ListAsync(EventQuery query, CancellationToken cancellationToken);
}

/// <summary>A discovery query: a start range, an optional topic, held-with-recording only or not, a keyset cursor and a limit.</summary>
public sealed record EventQuery(Instant From, Instant To, string? Topic, bool HeldOnly, EventCursor? After, int Limit)
{
    /// <summary>Whether <paramref name="profile"/> is one this query asks for (its range, topic and held-with-recording; not the cursor).</summary>
    public bool Admits(EventProfile profile) => profile.Start >= From && profile.Start < To
        && (Topic is null || profile.Topics.Contains(Topic, StringComparer.Ordinal))
        && (!HeldOnly || (profile.HeldTime is not null && profile.RecordingLink.Length > 0));
}

/// <summary>A position in start-then-id order.</summary>
public readonly record struct EventCursor(Instant Start, string Id)
{
    /// <summary>The cursor as page-token text.</summary>
    public string Format() => $"{Start.ToUnixTimeMilliseconds()}|{Id}";

    /// <summary>Parses <see cref="Format"/>'s output; null when malformed.</summary>
    public static EventCursor? Parse(string text)
    {
        var parts = text.Split('|');
        return parts.Length == 2 && long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var ms) && parts[1].Length > 0
            ? new EventCursor(Instant.FromUnixTimeMilliseconds(ms), parts[1])
            : null;
    }
}
