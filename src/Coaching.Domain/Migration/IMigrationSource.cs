namespace Coaching.Domain.Migration;

/// <summary>A store read whole, kind by kind, in key order. The source must not change while it is read.</summary>
public interface IMigrationSource
{
    /// <summary>The rows of <paramref name="kind"/> (as <see cref="IExported.Rows"/> counts them).</summary>
    Task<long> CountAsync(MigrationKind kind, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> items of <paramref name="kind"/> whose key is after <paramref name="after"/>, in key order.</summary>
    Task<IReadOnlyList<IExported>> ReadAsync(MigrationKind kind, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>Every claim held (by bookings and cohort sessions), digested.</summary>
    Task<ClaimDigest> ClaimsAsync(CancellationToken cancellationToken);

    /// <summary>Log entries not yet turned into deliveries; a copy must wait for none (the target plans no deliveries for copied entries).</summary>
    Task<long> UnplannedLogEntriesAsync(CancellationToken cancellationToken);
}

/// <summary>A store written by a copy: idempotent writes, and where each kind's copy got to.</summary>
public interface IMigrationTarget
{
    /// <summary>Whether the target holds data that no copy wrote (a copy must not mix into a store in use).</summary>
    Task<bool> HoldsForeignDataAsync(CancellationToken cancellationToken);

    /// <summary>The last key of <paramref name="kind"/> written by an earlier run; null when none.</summary>
    Task<string?> ResumePointAsync(MigrationKind kind, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="items"/> (a write of an item already there replaces it with the same content), then records the last key.</summary>
    Task WriteAsync(MigrationKind kind, IReadOnlyList<IExported> items, CancellationToken cancellationToken);

    /// <summary>The rows of <paramref name="kind"/> held, counted as the source counts them.</summary>
    Task<long> CountAsync(MigrationKind kind, CancellationToken cancellationToken);

    /// <summary>Every claim held, digested as the source digests them.</summary>
    Task<ClaimDigest> ClaimsAsync(CancellationToken cancellationToken);
}
