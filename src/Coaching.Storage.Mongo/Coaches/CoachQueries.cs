using Coaching.Domain.Coaches;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Coaches;

/// <summary>
/// Every filter and update the coach store sends, built in one place so tests can render and check them.
/// "Visible" means not deleted: <c>delete_time</c> is absent (null matches a missing field).
/// </summary>
public static class CoachQueries
{
    private static readonly FilterDefinitionBuilder<CoachDocument> C = Builders<CoachDocument>.Filter;
    private static readonly FilterDefinitionBuilder<OfferingDocument> O = Builders<OfferingDocument>.Filter;

    public static FilterDefinition<CoachDocument> VisibleCoach(string id) =>
        C.Eq(d => d.Id, id) & C.Eq(d => d.DeleteTime, null);

    public static FilterDefinition<CoachDocument> VisibleCoaches(IEnumerable<string> ids) =>
        C.In(d => d.Id, ids) & C.Eq(d => d.DeleteTime, null);

    public static FilterDefinition<CoachDocument> CoachAtVersion(string id, long version) =>
        VisibleCoach(id) & C.Eq(d => d.Version, version);

    public static FilterDefinition<CoachDocument> ByRequestKey(string scope, string requestId) =>
        C.Eq(d => d.RequestScope, scope) & C.Eq(d => d.RequestId, requestId);

    public static FilterDefinition<CoachDocument> ListCoaches(CoachQuery query)
    {
        var filter = C.Gt(d => d.Id, query.AfterId ?? string.Empty) & C.Eq(d => d.DeleteTime, null);
        if (query.Specialty is not null)
        {
            filter &= C.AnyEq(d => d.Specialties, query.Specialty);
        }

        if (!query.IncludeInactive)
        {
            filter &= C.Eq(d => d.Active, true);
        }

        return filter;
    }

    public static UpdateDefinition<CoachDocument> UpdateCoach(Coach coach, long newVersion) =>
        Builders<CoachDocument>.Update
            .Set(d => d.DisplayName, coach.DisplayName)
            .Set(d => d.Bio, coach.Bio)
            .Set(d => d.Email, coach.Email)
            .Set(d => d.Specialties, [.. coach.Specialties])
            .Set(d => d.TimeZone, coach.TimeZoneId)
            .Set(d => d.Active, coach.Active)
            .Set(d => d.UpdateTime, coach.UpdateTime.ToDateTimeUtc())
            .Set(d => d.Version, newVersion);

    public static UpdateDefinition<CoachDocument> DeleteCoach(DateTime now) =>
        Builders<CoachDocument>.Update
            .Set(d => d.DeleteTime, now)
            .Set(d => d.UpdateTime, now)
            .Set(d => d.Active, false)
            .Inc(d => d.Version, 1L);

    public static FilterDefinition<OfferingDocument> VisibleOffering(string coachId, string id) =>
        O.Eq(d => d.Id, id) & O.Eq(d => d.CoachId, coachId) & O.Eq(d => d.DeleteTime, null);

    public static FilterDefinition<OfferingDocument> OfferingAtVersion(string coachId, string id, long version) =>
        VisibleOffering(coachId, id) & O.Eq(d => d.Version, version);

    public static FilterDefinition<OfferingDocument> OfferingByRequestKey(string scope, string requestId) =>
        O.Eq(d => d.RequestScope, scope) & O.Eq(d => d.RequestId, requestId);

    public static FilterDefinition<OfferingDocument> ListOfferings(string coachId, string? afterId) =>
        O.Eq(d => d.CoachId, coachId) & O.Gt(d => d.Id, afterId ?? string.Empty) & O.Eq(d => d.DeleteTime, null);

    public static FilterDefinition<OfferingDocument> OfferingsOfCoaches(IEnumerable<string> coachIds) =>
        O.In(d => d.CoachId, coachIds) & O.Eq(d => d.DeleteTime, null);

    public static UpdateDefinition<OfferingDocument> UpdateOffering(Offering o, long newVersion) =>
        Builders<OfferingDocument>.Update
            .Set(d => d.Title, o.Title)
            .Set(d => d.Description, o.Description)
            .Set(d => d.DurationSeconds, OfferingDocument.Seconds(o.Duration))
            .Set(d => d.BufferBeforeSeconds, OfferingDocument.Seconds(o.BufferBefore))
            .Set(d => d.BufferAfterSeconds, OfferingDocument.Seconds(o.BufferAfter))
            .Set(d => d.MinimumNoticeSeconds, OfferingDocument.Seconds(o.MinimumNotice))
            .Set(d => d.BookingHorizonSeconds, OfferingDocument.Seconds(o.BookingHorizon))
            .Set(d => d.DailyCap, o.DailyCap)
            .Set(d => d.WeeklyCap, o.WeeklyCap)
            .Set(d => d.RequiresConfirmation, o.RequiresConfirmation)
            .Set(d => d.CancellationCutoffSeconds, OfferingDocument.Seconds(o.CancellationCutoff))
            .Set(d => d.UpdateTime, o.UpdateTime.ToDateTimeUtc())
            .Set(d => d.Version, newVersion);

    public static UpdateDefinition<OfferingDocument> DeleteOffering(DateTime now) =>
        Builders<OfferingDocument>.Update
            .Set(d => d.DeleteTime, now)
            .Set(d => d.UpdateTime, now)
            .Inc(d => d.Version, 1L);
}
