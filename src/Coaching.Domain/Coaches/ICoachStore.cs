using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Coaches;

/// <summary>
/// Persistence of coaches and offerings. Implementations enforce, in the database: unique ids, unique
/// idempotency keys per scope, and conditional updates on the version (never read-modify-write without it).
/// Deleted records are invisible to every read.
/// </summary>
public interface ICoachStore
{
    /// <summary>Inserts a coach; when <paramref name="key"/> was used before, returns the original instead.</summary>
    Task<CreateResult<Coach>> CreateCoachAsync(Coach coach, IdempotencyKey? key, CancellationToken cancellationToken);

    /// <summary>The coach, or null when missing or deleted.</summary>
    Task<Coach?> GetCoachAsync(string coachId, CancellationToken cancellationToken);

    /// <summary>The visible coaches among <paramref name="coachIds"/>, in one query (unknown ids are absent).</summary>
    Task<IReadOnlyList<Coach>> GetCoachesAsync(IReadOnlyCollection<string> coachIds, CancellationToken cancellationToken);

    /// <summary>Coaches ordered by id, after the cursor, at most <see cref="CoachQuery.Limit"/>.</summary>
    Task<IReadOnlyList<Coach>> ListCoachesAsync(CoachQuery query, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="coach"/> if the stored version is still <paramref name="expectedVersion"/>.</summary>
    /// <returns>The stored coach with its new version.</returns>
    /// <exception cref="DomainException">NOT_FOUND when missing or deleted; ABORTED when the version moved on.</exception>
    Task<Coach> UpdateCoachAsync(Coach coach, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Marks a coach deleted if its version is still <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="DomainException">NOT_FOUND when missing or deleted; ABORTED when the version moved on.</exception>
    Task DeleteCoachAsync(string coachId, long expectedVersion, Instant now, CancellationToken cancellationToken);

    /// <summary>Inserts an offering; when <paramref name="key"/> was used before, returns the original instead.</summary>
    Task<CreateResult<Offering>> CreateOfferingAsync(Offering offering, IdempotencyKey? key, CancellationToken cancellationToken);

    /// <summary>The offering, or null when it, or its coach, is missing or deleted.</summary>
    Task<Offering?> GetOfferingAsync(string coachId, string offeringId, CancellationToken cancellationToken);

    /// <summary>A coach's offerings ordered by id, after <paramref name="afterId"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Offering>> ListOfferingsAsync(string coachId, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Every visible offering of the given coaches, in one query.</summary>
    Task<IReadOnlyList<Offering>> ListOfferingsOfCoachesAsync(IReadOnlyCollection<string> coachIds, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="offering"/> if the stored version is still <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="DomainException">NOT_FOUND when missing or deleted; ABORTED when the version moved on.</exception>
    Task<Offering> UpdateOfferingAsync(Offering offering, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Marks an offering deleted if its version is still <paramref name="expectedVersion"/>.</summary>
    /// <exception cref="DomainException">NOT_FOUND when missing or deleted; ABORTED when the version moved on.</exception>
    Task DeleteOfferingAsync(string coachId, string offeringId, long expectedVersion, Instant now, CancellationToken cancellationToken);
}
