using Coaching.Domain.Availability;
using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Outbox;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Availability;

/// <summary>
/// Weekly schedules and date overrides in MongoDB. A schedule is one document keyed by coach id: the first
/// store is an insert (a concurrent first insert loses on the _id), later ones a version-filtered update.
/// </summary>
public sealed class MongoAvailabilityStore(MongoStore store) : IAvailabilityStore
{
    /// <inheritdoc />
    public async Task<WeeklySchedule> GetScheduleAsync(string coachId, CancellationToken cancellationToken) =>
        (await GetSchedulesAsync([coachId], cancellationToken)).GetValueOrDefault(coachId) ?? WeeklySchedule.Empty(coachId);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, WeeklySchedule>> GetSchedulesAsync(IReadOnlyCollection<string> coachIds, CancellationToken cancellationToken)
    {
        var documents = await store.Schedules.Find(AvailabilityQueries.Schedules(coachIds)).ToListAsync(cancellationToken);
        return documents.Select(d => d.ToDomain()).ToDictionary(s => s.CoachId);
    }

    /// <inheritdoc />
    public async Task<WeeklySchedule> ReplaceScheduleAsync(WeeklySchedule schedule, long expectedVersion, OutboxEntry changed,
        CancellationToken cancellationToken)
    {
        var document = ScheduleDocument.From(schedule);
        document.Outbox = [OutboxEntryDocument.From(changed)];
        document.OutboxPending = true;
        if (expectedVersion == 0)
        {
            try
            {
                await store.Schedules.InsertOneAsync(document, cancellationToken: cancellationToken);
                return schedule;
            }
            catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
            {
                throw Fail.StaleEtagError(schedule.Name);
            }
        }

        var result = await store.Schedules.UpdateOneAsync(AvailabilityQueries.ScheduleAtVersion(schedule.CoachId, expectedVersion),
            AvailabilityQueries.ReplaceSchedule(document, changed), cancellationToken: cancellationToken);
        return result.MatchedCount == 1 ? schedule : throw Fail.StaleEtagError(schedule.Name);
    }

    /// <inheritdoc />
    public async Task<CreateResult<DateOverride>> CreateOverrideAsync(DateOverride dateOverride, IdempotencyKey? key, OutboxEntry changed,
        CancellationToken cancellationToken)
    {
        try
        {
            var document = OverrideDocument.From(dateOverride, key);
            document.Outbox = [OutboxEntryDocument.From(changed)];
            document.OutboxPending = true;
            await store.Overrides.InsertOneAsync(document, cancellationToken: cancellationToken);
            return new CreateResult<DateOverride>(dateOverride, true, key?.Fingerprint);
        }
        catch (MongoWriteException e) when (key is not null && MongoErrors.IsDuplicateKey(e))
        {
            var original = await store.Overrides.Find(AvailabilityQueries.OverrideByRequestKey(key.Scope, key.RequestId))
                .FirstAsync(cancellationToken);
            return new CreateResult<DateOverride>(original.ToDomain(), false, original.RequestFingerprint);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DateOverride>> ListOverridesAsync(string coachId, OverrideCursor? after, int limit,
        CancellationToken cancellationToken)
    {
        var documents = await store.Overrides.Find(AvailabilityQueries.OverridesAfter(coachId, after))
            .Sort(Builders<OverrideDocument>.Sort.Ascending(d => d.StartDate).Ascending(d => d.Id))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DateOverride>> ListOverridesCoveringAsync(IReadOnlyCollection<string> coachIds, LocalDate first, LocalDate last,
        CancellationToken cancellationToken)
    {
        var documents = await store.Overrides.Find(AvailabilityQueries.OverridesCovering(coachIds, first, last))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public async Task<bool> DeleteOverrideAsync(string coachId, string overrideId, Announce<DateOverride?> announce, CancellationToken cancellationToken)
    {
        // Overrides never change once created, so the one read here is the one the entry describes; the delete marks it (see
        // AvailabilityQueries.Delete) with its entry in the same write, and only if it is still live.
        var existing = await store.Overrides.Find(AvailabilityQueries.Override(coachId, overrideId)).FirstOrDefaultAsync(cancellationToken);
        if (existing is null)
        {
            return false;
        }

        var result = await store.Overrides.UpdateOneAsync(AvailabilityQueries.Override(coachId, overrideId),
            AvailabilityQueries.Delete(announce(AvailabilityChange.EventType, existing.ToDomain())), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }
}
