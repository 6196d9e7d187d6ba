using Coaching.Domain.Calendar;

namespace Coaching.Domain.Outbox;

/// <summary>What one change sends out, stored in the same atomic write as the change: the invite it emits (kept byte for byte) and its outbox entry.</summary>
/// <param name="Invite">The iCalendar message, if the change emits one.</param>
/// <param name="Entry">The outbox entry (event and/or e-mail), if the change has one.</param>
public sealed record Outgoing(Invite? Invite, OutboxEntry? Entry);
