using Coaching.Server.Hosting;

namespace Coaching.Server.Identity;

/// <summary>The local development signing key, read (or created) from the data directory on first use, then kept.</summary>
public sealed class LocalKeys(CoachingOptions options)
{
    private readonly Lazy<LocalSigningKey> _key = new(() => LocalSigningKey.LoadOrCreate(options.ResolvedDataDirectory));

    /// <summary>The key; the first call reads or creates <c>signing-key.json</c>.</summary>
    public LocalSigningKey Key => _key.Value;
}
