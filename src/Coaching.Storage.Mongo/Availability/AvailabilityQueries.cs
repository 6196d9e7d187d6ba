using Coaching.Domain.Availability;
using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Coaches;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Availability;

/// <summary>Filters, updates and indexes of the availability collections, in one place so tests can render them.</summary>
public static class AvailabilityQueries
{
    private static readonly FilterDefinitionBuilder<ScheduleDocument> S = Builders<ScheduleDocument>.Filter;
    private static readonly FilterDefinitionBuilder<OverrideDocument> O = Builders<OverrideDocument>.Filter;

    public static IReadOnlyList<CreateIndexModel<OverrideDocument>> OverrideIndexes { get; } =
    [
        CoachIndexes.RequestKey<OverrideDocument>(),
        new(Builders<OverrideDocument>.IndexKeys.Ascending("coach_id").Ascending("start_date").Ascending("_id"),
            new CreateIndexOptions { Name = "coach_start" }),
        new(Builders<OverrideDocument>.IndexKeys.Ascending("coach_id").Ascending("end_date"),
            new CreateIndexOptions { Name = "coach_end" }),
    ];

    public static FilterDefinition<ScheduleDocument> Schedules(IEnumerable<string> coachIds) => S.In(d => d.CoachId, coachIds);

    public static FilterDefinition<ScheduleDocument> ScheduleAtVersion(string coachId, long version) =>
        S.Eq(d => d.CoachId, coachId) & S.Eq(d => d.Version, version);

    public static UpdateDefinition<ScheduleDocument> ReplaceSchedule(ScheduleDocument next, Coaching.Domain.Outbox.OutboxEntry changed) =>
        Builders<ScheduleDocument>.Update
            .Set(d => d.Windows, next.Windows)
            .Set(d => d.UpdateTime, next.UpdateTime)
            .Set(d => d.Version, next.Version)
            .Push(d => d.Outbox, Outbox.OutboxEntryDocument.From(changed))
            .Set(d => d.OutboxPending, true);

    public static FilterDefinition<OverrideDocument> OverridesAfter(string coachId, OverrideCursor? after)
    {
        var mine = O.Eq(d => d.CoachId, coachId) & Live;
        if (after is not { } a)
        {
            return mine;
        }

        var date = OverrideDocument.Date(a.StartDate);
        return mine & (O.Gt(d => d.StartDate, date) | (O.Eq(d => d.StartDate, date) & O.Gt(d => d.Id, a.Id)));
    }

    public static FilterDefinition<OverrideDocument> OverridesCovering(IEnumerable<string> coachIds, LocalDate first, LocalDate last) =>
        O.In(d => d.CoachId, coachIds) & O.Gte(d => d.EndDate, OverrideDocument.Date(first)) & O.Lte(d => d.StartDate, OverrideDocument.Date(last)) & Live;

    public static FilterDefinition<OverrideDocument> Override(string coachId, string id) =>
        O.Eq(d => d.Id, id) & O.Eq(d => d.CoachId, coachId) & Live;

    /// <summary>
    /// Deletes an override by marking it: it vanishes from every read at once and carries the entry announcing its deletion,
    /// in this one write; its request key is removed so that key may create again, as on SQLite. The relay removes the
    /// document once the entry is in the log.
    /// </summary>
    public static UpdateDefinition<OverrideDocument> Delete(OutboxEntry deleted) =>
        Builders<OverrideDocument>.Update
            .Set(d => d.Deleted, true)
            .Unset(d => d.RequestScope).Unset(d => d.RequestId).Unset(d => d.RequestFingerprint)
            .Push(d => d.Outbox, Outbox.OutboxEntryDocument.From(deleted))
            .Set(d => d.OutboxPending, true);

    /// <summary>Overrides not deleted (a deleted one waits only for the relay to move its last entry).</summary>
    public static FilterDefinition<OverrideDocument> Live { get; } = O.Ne(d => d.Deleted, true);

    public static FilterDefinition<OverrideDocument> OverrideByRequestKey(string scope, string requestId) =>
        O.Eq(d => d.RequestScope, scope) & O.Eq(d => d.RequestId, requestId) & Live;
}
