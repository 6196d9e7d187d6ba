using Coaching.Domain.Common;

namespace Coaching.Domain.Feeds;

/// <summary>Persistence of feeds and of the server secret their tokens derive from.</summary>
public interface IFeedStore
{
    /// <summary>The 256-bit secret shared by every server instance, created once (first writer wins).</summary>
    Task<byte[]> GetOrCreateSecretAsync(byte[] candidate, CancellationToken cancellationToken);

    /// <summary>The owner's feed, or null.</summary>
    Task<FeedRecord?> GetAsync(string owner, CancellationToken cancellationToken);

    /// <summary>Stores a first-generation feed unless one exists; returns whichever is stored.</summary>
    Task<FeedRecord> CreateAsync(FeedRecord feed, CancellationToken cancellationToken);

    /// <summary>Replaces the feed if it is still at <paramref name="expectedGeneration"/>.</summary>
    /// <exception cref="DomainException">ABORTED when another rotation won.</exception>
    Task<FeedRecord> RotateAsync(FeedRecord rotated, int expectedGeneration, CancellationToken cancellationToken);

    /// <summary>The owner whose live token hashes to <paramref name="tokenHash"/>, or null.</summary>
    Task<string?> FindOwnerAsync(string tokenHash, CancellationToken cancellationToken);
}
