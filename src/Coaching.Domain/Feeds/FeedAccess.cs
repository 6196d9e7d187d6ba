using NodaTime;

namespace Coaching.Domain.Feeds;

/// <summary>A feed as shown to its owner: the secret token of its URL and when it was issued.</summary>
public sealed record FeedAccess(string Name, string Token, Instant RotateTime);
