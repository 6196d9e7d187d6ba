using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Coaches;

/// <summary>
/// Coaches and offerings in MongoDB. Every write is a single-document atomic operation: inserts rely on
/// the unique request-key index for idempotency, updates are <c>findOneAndUpdate</c> filtered on the
/// expected version, so concurrent writers on any number of servers cannot lose an update.
/// </summary>
public sealed class MongoCoachStore(MongoStore store) : ICoachStore
{
    private static readonly FindOneAndUpdateOptions<CoachDocument> ReturnCoach = new() { ReturnDocument = ReturnDocument.After };
    private static readonly FindOneAndUpdateOptions<OfferingDocument> ReturnOffering = new() { ReturnDocument = ReturnDocument.After };

    /// <inheritdoc />
    public async Task<CreateResult<Coach>> CreateCoachAsync(Coach coach, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        try
        {
            await store.Coaches.InsertOneAsync(CoachDocument.From(coach, key), cancellationToken: cancellationToken);
            return new CreateResult<Coach>(coach, true, key?.Fingerprint);
        }
        catch (MongoWriteException e) when (key is not null && MongoErrors.IsDuplicateKey(e))
        {
            var original = await store.Coaches.Find(CoachQueries.ByRequestKey(key.Scope, key.RequestId))
                .FirstAsync(cancellationToken);
            return new CreateResult<Coach>(original.ToDomain(), false, original.RequestFingerprint);
        }
    }

    /// <inheritdoc />
    public async Task<Coach?> GetCoachAsync(string coachId, CancellationToken cancellationToken)
    {
        var document = await store.Coaches.Find(CoachQueries.VisibleCoach(coachId))
            .FirstOrDefaultAsync(cancellationToken);
        return document?.ToDomain();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Coach>> GetCoachesAsync(IReadOnlyCollection<string> coachIds, CancellationToken cancellationToken)
    {
        var documents = await store.Coaches.Find(CoachQueries.VisibleCoaches(coachIds)).SortBy(d => d.Id).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Coach>> ListCoachesAsync(CoachQuery query, CancellationToken cancellationToken)
    {
        var documents = await store.Coaches.Find(CoachQueries.ListCoaches(query))
            .Sort(Builders<CoachDocument>.Sort.Ascending(d => d.Id))
            .Limit(query.Limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<Coach> UpdateCoachAsync(Coach coach, long expectedVersion, CancellationToken cancellationToken)
    {
        var updated = await store.Coaches.FindOneAndUpdateAsync(
            CoachQueries.CoachAtVersion(coach.Id, expectedVersion),
            CoachQueries.UpdateCoach(coach, checked(expectedVersion + 1)),
            ReturnCoach, cancellationToken);
        if (updated is null)
        {
            throw await LostCoachWriteAsync(coach.Id, cancellationToken);
        }

        return updated.ToDomain();
    }

    /// <inheritdoc />
    public async Task DeleteCoachAsync(string coachId, long expectedVersion, Instant now, CancellationToken cancellationToken)
    {
        var result = await store.Coaches.UpdateOneAsync(
            CoachQueries.CoachAtVersion(coachId, expectedVersion),
            CoachQueries.DeleteCoach(now.ToDateTimeUtc()),
            cancellationToken: cancellationToken);
        if (result.MatchedCount == 0)
        {
            throw await LostCoachWriteAsync(coachId, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<CreateResult<Offering>> CreateOfferingAsync(Offering offering, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        try
        {
            await store.Offerings.InsertOneAsync(OfferingDocument.From(offering, key), cancellationToken: cancellationToken);
            return new CreateResult<Offering>(offering, true, key?.Fingerprint);
        }
        catch (MongoWriteException e) when (key is not null && MongoErrors.IsDuplicateKey(e))
        {
            var original = await store.Offerings.Find(CoachQueries.OfferingByRequestKey(key.Scope, key.RequestId))
                .FirstAsync(cancellationToken);
            return new CreateResult<Offering>(original.ToDomain(), false, original.RequestFingerprint);
        }
    }

    /// <inheritdoc />
    public async Task<Offering?> GetOfferingAsync(string coachId, string offeringId, CancellationToken cancellationToken)
    {
        // Both reads go out at once: one round trip of latency.
        var offering = store.Offerings.Find(CoachQueries.VisibleOffering(coachId, offeringId)).FirstOrDefaultAsync(cancellationToken);
        var coachVisible = store.Coaches.Find(CoachQueries.VisibleCoach(coachId)).AnyAsync(cancellationToken);
        await Task.WhenAll(offering, coachVisible);
        return await coachVisible ? (await offering)?.ToDomain() : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Offering>> ListOfferingsAsync(string coachId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        var documents = await store.Offerings.Find(CoachQueries.ListOfferings(coachId, afterId))
            .Sort(Builders<OfferingDocument>.Sort.Ascending(d => d.Id))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Offering>> ListOfferingsOfCoachesAsync(IReadOnlyCollection<string> coachIds, CancellationToken cancellationToken)
    {
        var documents = await store.Offerings.Find(CoachQueries.OfferingsOfCoaches(coachIds))
            .Sort(Builders<OfferingDocument>.Sort.Ascending(d => d.CoachId).Ascending(d => d.Id))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<Offering> UpdateOfferingAsync(Offering offering, long expectedVersion, CancellationToken cancellationToken)
    {
        var updated = await store.Offerings.FindOneAndUpdateAsync(
            CoachQueries.OfferingAtVersion(offering.CoachId, offering.Id, expectedVersion),
            CoachQueries.UpdateOffering(offering, checked(expectedVersion + 1)),
            ReturnOffering, cancellationToken);
        if (updated is null)
        {
            throw await LostOfferingWriteAsync(offering.CoachId, offering.Id, cancellationToken);
        }

        return updated.ToDomain();
    }

    /// <inheritdoc />
    public async Task DeleteOfferingAsync(string coachId, string offeringId, long expectedVersion, Instant now, CancellationToken cancellationToken)
    {
        var result = await store.Offerings.UpdateOneAsync(
            CoachQueries.OfferingAtVersion(coachId, offeringId, expectedVersion),
            CoachQueries.DeleteOffering(now.ToDateTimeUtc()),
            cancellationToken: cancellationToken);
        if (result.MatchedCount == 0)
        {
            throw await LostOfferingWriteAsync(coachId, offeringId, cancellationToken);
        }
    }

    private Task<DomainException> LostCoachWriteAsync(string coachId, CancellationToken ct) =>
        LostWrite.ExplainAsync(store.Coaches, CoachQueries.VisibleCoach(coachId), ResourceNames.Coach(coachId), ct);

    private Task<DomainException> LostOfferingWriteAsync(string coachId, string offeringId, CancellationToken ct) =>
        LostWrite.ExplainAsync(store.Offerings, CoachQueries.VisibleOffering(coachId, offeringId), ResourceNames.Offering(coachId, offeringId), ct);
}
