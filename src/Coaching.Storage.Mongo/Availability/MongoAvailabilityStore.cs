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
        // A deleted document cannot carry its entry, so the entry ("any date may change") is recorded first, on its own: if the
        // delete then fails, watchers refresh slots that did not change, which is harmless; nothing can change unannounced.
        await store.LooseEntries.InsertOneAsync(LooseEntryDocument.For(announce(AvailabilityChange.EventType, null)), cancellationToken: cancellationToken);
        var result = await store.Overrides.DeleteOneAsync(AvailabilityQueries.Override(coachId, overrideId), cancellationToken);
        return result.DeletedCount == 1;
    }
}
