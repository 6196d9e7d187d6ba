using Coaching.Domain.Calendar;
using Coaching.Domain.Courses;
using MongoDB.Driver;
using NodaTime;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>One enrolment message in <c>enrolment_invites</c>; the id "{enrolment}:{ordinal}" makes each SEQUENCE unique.</summary>
public sealed class EnrolmentInviteDocument
{
    public const string Collection = "enrolment_invites";

    public string Id { get; set; } = string.Empty;

    public string EnrolmentId { get; set; } = string.Empty;

    public string CohortId { get; set; } = string.Empty;

    public int Ordinal { get; set; }

    public int Method { get; set; }

    public int Sequence { get; set; }

    public string Uid { get; set; } = string.Empty;

    public byte[] Content { get; set; } = [];

    public DateTime CreateTime { get; set; }

    public string SessionsDigest { get; set; } = string.Empty;

    public Invite ToDomain() => new(Ordinal, (InviteMethod)Method, Sequence, Uid, Content, Instant.FromDateTimeUtc(CreateTime));
}

/// <summary>Enrolment messages in MongoDB.</summary>
public sealed class MongoEnrolmentInviteStore(MongoStore store) : IEnrolmentInviteStore
{
    public static IReadOnlyList<CreateIndexModel<EnrolmentInviteDocument>> Indexes { get; } =
    [
        new(Builders<EnrolmentInviteDocument>.IndexKeys.Ascending("cohort_id").Ascending("enrolment_id").Ascending("ordinal"),
            new CreateIndexOptions { Name = "by_cohort" }),
        new(Builders<EnrolmentInviteDocument>.IndexKeys.Ascending("enrolment_id").Ascending("ordinal"), new CreateIndexOptions { Name = "by_enrolment" }),
    ];

    /// <inheritdoc />
    public async Task<bool> TryAppendAsync(string enrolmentId, string cohortId, Invite invite, string sessionsDigest, CancellationToken cancellationToken)
    {
        try
        {
            await store.EnrolmentInvites.InsertOneAsync(new EnrolmentInviteDocument
            {
                Id = $"{enrolmentId}:{invite.Ordinal}", EnrolmentId = enrolmentId, CohortId = cohortId, Ordinal = invite.Ordinal, Method = (int)invite.Method,
                Sequence = invite.Sequence, Uid = invite.Uid, Content = invite.Content, CreateTime = invite.CreateTime.ToDateTimeUtc(), SessionsDigest = sessionsDigest,
            }, cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Invite>> ListAsync(string enrolmentId, CancellationToken cancellationToken)
    {
        var documents = await store.EnrolmentInvites.Find(d => d.EnrolmentId == enrolmentId).SortBy(d => d.Ordinal).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToDomain());
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, LastInvite>> LatestAsync(string cohortId, CancellationToken cancellationToken) =>
        LatestWhereAsync(Builders<EnrolmentInviteDocument>.Filter.Eq(d => d.CohortId, cohortId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, LastInvite>> LatestForAsync(IReadOnlyCollection<string> enrolmentIds, CancellationToken cancellationToken) =>
        LatestWhereAsync(Builders<EnrolmentInviteDocument>.Filter.In(d => d.EnrolmentId, enrolmentIds), cancellationToken);

    private async Task<IReadOnlyDictionary<string, LastInvite>> LatestWhereAsync(FilterDefinition<EnrolmentInviteDocument> filter, CancellationToken cancellationToken)
    {
        var documents = await store.EnrolmentInvites.Find(filter)
            .Project(d => new { d.EnrolmentId, d.Ordinal, d.Method, d.Sequence, d.SessionsDigest })
            .ToListAsync(cancellationToken);
        return documents.GroupBy(d => d.EnrolmentId)
            .Select(g => g.MaxBy(d => d.Ordinal)!)
            .ToDictionary(d => d.EnrolmentId, d => new LastInvite((InviteMethod)d.Method, d.Sequence, d.SessionsDigest));
    }
}
