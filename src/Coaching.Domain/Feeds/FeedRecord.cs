using NodaTime;

namespace Coaching.Domain.Feeds;

/// <summary>A personal feed: whose it is, which token generation is live, and the hash of that token.</summary>
public sealed record FeedRecord(string Owner, int Generation, string TokenHash, Instant RotateTime);
