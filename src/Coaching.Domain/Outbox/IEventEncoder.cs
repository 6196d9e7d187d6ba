using NodaTime;

namespace Coaching.Domain.Outbox;

/// <summary>Encodes an event as the wire carries it (the server implements it with the public contract's <c>Event</c> message).</summary>
public interface IEventEncoder
{
    /// <summary>The encoded event.</summary>
    /// <param name="id">The event id.</param>
    /// <param name="type">The event type.</param>
    /// <param name="resource">The resource name.</param>
    /// <param name="time">When it changed.</param>
    /// <param name="subject">The resource as the change left it: a booking, an enrolment, a cohort, or an <see cref="AvailabilityChange"/>.</param>
    /// <exception cref="ArgumentException">For a subject of another kind.</exception>
    byte[] Encode(string id, string type, string resource, Instant time, object subject);
}

/// <summary>Which coach-local dates of a coach may show different open slots (both null: every date).</summary>
public sealed record AvailabilityChange(string CoachId, string TimeZoneId, LocalDate? FirstDate, LocalDate? LastDate)
{
    /// <summary>The event type.</summary>
    public const string EventType = "availability.changed";
}
