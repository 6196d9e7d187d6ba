using NodaTime;

namespace Coaching.Domain.Calendar;

/// <summary>One emitted iCalendar message, kept byte for byte.</summary>
/// <param name="Ordinal">Position among the owner's messages, from 1.</param>
/// <param name="Method">The iTIP method.</param>
/// <param name="Sequence">The SEQUENCE it carries.</param>
/// <param name="Uid">The UID of its event.</param>
/// <param name="Content">
/// The exact bytes sent; as a store keeps a booking's invite, its source instead, which <see cref="InviteSource"/> writes into
/// those bytes (the desks hand invites out written).
/// </param>
/// <param name="CreateTime">When it was emitted.</param>
public sealed record Invite(int Ordinal, InviteMethod Method, int Sequence, string Uid, byte[] Content, Instant CreateTime);
