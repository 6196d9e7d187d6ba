using Coaching.Domain.Calendar;
using Coaching.Domain.Courses;
using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Outbox;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Courses;

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
    public async Task<bool> TryAppendAsync(string enrolmentId, string cohortId, Invite invite, string sessionsDigest, OutboxEntry entry,
        CancellationToken cancellationToken)
    {
        try
        {
            await store.EnrolmentInvites.InsertOneAsync(new EnrolmentInviteDocument
            {
                Id = $"{enrolmentId}:{invite.Ordinal}", EnrolmentId = enrolmentId, CohortId = cohortId, Ordinal = invite.Ordinal, Method = (int)invite.Method,
                Sequence = invite.Sequence, Uid = invite.Uid, Content = invite.Content, CreateTime = invite.CreateTime.ToDateTimeUtc(), SessionsDigest = sessionsDigest,
                Outbox = [OutboxEntryDocument.From(entry)], OutboxPending = true,
            }, cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
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
