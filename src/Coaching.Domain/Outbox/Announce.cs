namespace Coaching.Domain.Outbox;

/// <summary>
/// Makes the outbox entry of a change whose outcome only the store knows (an enrolment that landed on the waitlist, the person a
/// withdrawal promoted): the store calls it with what it stored and records the entry in the same atomic write.
/// </summary>
/// <typeparam name="T">The kind of resource.</typeparam>
/// <param name="type">The event type.</param>
/// <param name="subject">The resource as the change leaves it.</param>
public delegate OutboxEntry Announce<in T>(string type, T subject);
