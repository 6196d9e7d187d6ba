using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using MongoDB.Bson;
using NodaTime;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>One enrolment inside a cohort document; which array holds it is its state.</summary>
public sealed class EntryDocument
{
    public string Id { get; set; } = string.Empty;

    public string Client { get; set; } = string.Empty;

    public string ClientName { get; set; } = string.Empty;

    public string ClientEmail { get; set; } = string.Empty;

    public long Arrival { get; set; }

    public DateTime CreateTime { get; set; }

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public Enrolment ToDomain(CohortDocument cohort, EnrolmentState state, int position) => new()
    {
        Id = Id, CourseId = cohort.CourseId, CohortId = cohort.Id, ClientId = Client, ClientName = ClientName, ClientEmail = ClientEmail,
        State = state, Arrival = Arrival, WaitlistPosition = position,
        CreateTime = Instant.FromDateTimeUtc(CreateTime), UpdateTime = Instant.FromDateTimeUtc(UpdateTime), Version = Version,
    };

    /// <summary>This entry as an update that changes its line leaves it: stamped <paramref name="at"/>, one version on.</summary>
    public EntryDocument Touched(Instant at)
    {
        var copy = (EntryDocument)MemberwiseClone();
        copy.UpdateTime = at.ToDateTimeUtc();
        copy.Version = Version + 1;
        return copy;
    }

    /// <summary>A new entry as a pipeline expression: the arrival is the cohort's counter at the moment of the update.</summary>
    public static BsonDocument NewEntryExpression(Enrolment candidate, IdempotencyKey key) => new()
    {
        { "id", new BsonDocument("$literal", candidate.Id) },
        { "client", new BsonDocument("$literal", candidate.ClientId) },
        { "client_name", new BsonDocument("$literal", candidate.ClientName) },
        { "client_email", new BsonDocument("$literal", candidate.ClientEmail) },
        { "arrival", "$next_arrival" },
        { "create_time", CohortUpdates.OrderedTime(candidate.CreateTime.ToDateTimeUtc()) },
        { "update_time", CohortUpdates.OrderedTime(candidate.CreateTime.ToDateTimeUtc()) },
        { "version", 1L },
        { "request_scope", new BsonDocument("$literal", key.Scope) },
        { "request_id", new BsonDocument("$literal", key.RequestId) },
    };
}
