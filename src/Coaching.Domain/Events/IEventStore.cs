using NodaTime;

namespace Coaching.Domain.Events;

/// <summary>
/// Persistence of event profiles. Seats, the waitlist and the hosts' time are the course store's (an event is a cohort); this
/// store keeps what else an event says, indexed by topic and start for discovery.
/// </summary>
public interface IEventStore
{
    /// <summary>Inserts a profile; when one with its id exists, returns that one unchanged (a retried create).</summary>
    Task<EventProfile> CreateAsync(EventProfile profile, CancellationToken cancellationToken);

    /// <summary>The profiles among <paramref name="ids"/>, in one query (unknown ids are absent).</summary>
    Task<IReadOnlyList<EventProfile>> GetAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    /// <summary>Replaces a profile if its version is still <paramref name="expectedVersion"/>; false when it moved (or is gone).</summary>
    Task<bool> UpdateAsync(EventProfile profile, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Profiles whose start is in <c>[from, to)</c>, with the topic when one is given (and, when the query asks for held ones, only
    /// held ones with a recording), ordered by start then id, after the cursor.
    /// </summary>
    Task<IReadOnlyList<EventProfile>> ListAsync(EventQuery query, CancellationToken cancellationToken);
}

/// <summary>A discovery query: a start range, an optional topic, held-with-recording only or not, a keyset cursor and a limit.</summary>
public sealed record EventQuery(Instant From, Instant To, string? Topic, bool HeldOnly, EventCursor? After, int Limit);

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
