using Coaching.Domain.Common;
using Coaching.Domain.Events;
using Coaching.Domain.Outbox;
using Coaching.Storage.Mongo.Outbox;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo.Events;

/// <summary>
/// Questions in MongoDB, one document each, carrying the entries of their changes (relayed like every carrier). A vote is one
/// conditional update: the voter is added and the count moved only where the voter is absent, and only at the count the entry
/// was built from, so the entry says what the write did.
/// </summary>
public sealed class MongoQuestionStore(MongoStore store) : IQuestionStore
{
    private const int Attempts = 20;
    private static readonly FilterDefinitionBuilder<QuestionDocument> F = Builders<QuestionDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<QuestionDocument> U = Builders<QuestionDocument>.Update;

    public static IReadOnlyList<CreateIndexModel<QuestionDocument>> Indexes { get; } =
    [
        new(Builders<QuestionDocument>.IndexKeys.Ascending(d => d.EventId).Descending(d => d.Votes).Ascending(d => d.CreateTime).Ascending(d => d.Id),
            new CreateIndexOptions { Name = "by_votes" }),
        Coaches.CoachIndexes.RequestKey<QuestionDocument>(),
    ];

    private IMongoCollection<QuestionDocument> Questions => store.Questions;

    /// <inheritdoc />
    public async Task<CreateResult<Question>> CreateAsync(Question question, IdempotencyKey key, OutboxEntry announced, CancellationToken cancellationToken)
    {
        try
        {
            await Questions.InsertOneAsync(QuestionDocument.From(question, key, announced), cancellationToken: cancellationToken);
            return new CreateResult<Question>(question, true, key.Fingerprint);
        }
        catch (MongoWriteException e) when (MongoErrors.IsDuplicateKey(e))
        {
            var original = await Questions.Find(F.Eq(d => d.RequestScope, key.Scope) & F.Eq(d => d.RequestId, key.RequestId)).FirstAsync(cancellationToken);
            return new CreateResult<Question>(original.ToDomain(), false, original.RequestFingerprint);
        }
    }

    /// <inheritdoc />
    public async Task<Question?> GetAsync(string eventId, string questionId, CancellationToken cancellationToken) =>
        (await Questions.Find(Live(eventId, questionId)).Project<QuestionDocument>(Builders<QuestionDocument>.Projection.Exclude(d => d.Voters))
            .FirstOrDefaultAsync(cancellationToken))?.ToDomain();

    /// <inheritdoc />
    public async Task<IReadOnlyList<QuestionView>> ListAsync(string eventId, string viewer, QuestionCursor? after, int limit, CancellationToken cancellationToken)
    {
        var documents = await Questions.Aggregate()
            .Match(ListFilter(eventId, after))
            .Sort(Builders<QuestionDocument>.Sort.Descending(d => d.Votes).Ascending(d => d.CreateTime).Ascending(d => d.Id))
            .Limit(limit)
            .AppendStage<BsonDocument>(new BsonDocument("$addFields", new BsonDocument("viewer_voted", new BsonDocument("$in", new BsonArray { viewer, "$voters" }))))
            .AppendStage<BsonDocument>(new BsonDocument("$unset", new BsonArray { "voters", "outbox" }))
            .ToListAsync(cancellationToken);
        return [.. documents.Select(d =>
        {
            var voted = d["viewer_voted"].AsBoolean;
            d.Remove("viewer_voted");
            return new QuestionView(BsonSerializer.Deserialize<QuestionDocument>(d).ToDomain(), voted);
        })];
    }

    /// <summary>The listing filter: the event's live questions after the cursor in hosts' order.</summary>
    public static FilterDefinition<QuestionDocument> ListFilter(string eventId, QuestionCursor? after)
    {
        var filter = F.Eq(d => d.EventId, eventId) & F.Ne(d => d.Deleted, true);
        if (after is { } a)
        {
            var created = a.Created.ToDateTimeUtc();
            filter &= F.Lt(d => d.Votes, a.Votes)
                | (F.Eq(d => d.Votes, a.Votes) & (F.Gt(d => d.CreateTime, created) | (F.Eq(d => d.CreateTime, created) & F.Gt(d => d.Id, a.Id))));
        }

        return filter;
    }

    /// <inheritdoc />
    public async Task<bool> UpdateAsync(Question changed, long expectedVersion, OutboxEntry announced, CancellationToken cancellationToken) =>
        (await Questions.UpdateOneAsync(Live(changed.EventId, changed.Id) & F.Eq(d => d.Version, expectedVersion),
            U.Set(d => d.State, (int)changed.State).Set(d => d.MergedInto, changed.MergedInto).Set(d => d.UpdateTime, changed.UpdateTime.ToDateTimeUtc())
                .Set(d => d.Version, changed.Version).Push(d => d.Outbox, OutboxEntryDocument.From(announced)).Set(d => d.OutboxPending, true),
            cancellationToken: cancellationToken)).MatchedCount == 1;

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string eventId, string questionId, OutboxEntry announced, CancellationToken cancellationToken) =>
        (await Questions.UpdateOneAsync(Live(eventId, questionId), Tombstone(announced), cancellationToken: cancellationToken)).MatchedCount == 1;

    /// <summary>The delete: the mark, the voters and the request key gone (so the id may ask again), and the entry, in one update.</summary>
    public static UpdateDefinition<QuestionDocument> Tombstone(OutboxEntry announced) =>
        U.Set(d => d.Deleted, true).Set(d => d.Voters, []).Set(d => d.Votes, 0).Unset("request_id")
            .Push(d => d.Outbox, OutboxEntryDocument.From(announced)).Set(d => d.OutboxPending, true);

    /// <inheritdoc />
    public async Task<(VoteOutcome Outcome, Question? Question)> VoteAsync(string eventId, string questionId, string voter, Func<Question, OutboxEntry> announce,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await Questions.Find(Live(eventId, questionId)).FirstOrDefaultAsync(cancellationToken);
            if (current is null)
            {
                return (VoteOutcome.Missing, null);
            }

            if (current.Voters.Contains(voter))
            {
                return (VoteOutcome.AlreadyCounted, current.ToDomain());
            }

            var counted = current.ToDomain() with { Votes = current.Votes + 1 };
            var (filter, update) = Vote(eventId, questionId, voter, current.Votes, announce(counted));
            if ((await Questions.UpdateOneAsync(filter, update, cancellationToken: cancellationToken)).MatchedCount == 1)
            {
                return (VoteOutcome.Counted, counted);
            }

            await Backoff.DelayAsync(attempt, cancellationToken);
        }

        throw new DomainException(ErrorKind.Aborted, "CONTENTION", "The question is being voted on faster than this vote could be counted; retry it.");
    }

    /// <summary>One vote: only where the voter is absent and the count is still <paramref name="seen"/>; voter, count and entry in one write.</summary>
    public static (FilterDefinition<QuestionDocument> Filter, UpdateDefinition<QuestionDocument> Update) Vote(string eventId, string questionId, string voter,
        int seen, OutboxEntry announced) =>
        (Live(eventId, questionId) & F.Ne("voters", voter) & F.Eq(d => d.Votes, seen),
            U.Push(d => d.Voters, voter).Inc(d => d.Votes, 1).Push(d => d.Outbox, OutboxEntryDocument.From(announced)).Set(d => d.OutboxPending, true));

    /// <inheritdoc />
    public async Task MergeVotesAsync(string eventId, string fromId, string intoId, CancellationToken cancellationToken)
    {
        var from = await Questions.Find(Live(eventId, fromId)).FirstOrDefaultAsync(cancellationToken);
        var into = await Questions.Find(Live(eventId, intoId)).Project<QuestionDocument>(Builders<QuestionDocument>.Projection.Exclude(d => d.Voters))
            .FirstOrDefaultAsync(cancellationToken);
        if (from is null || into is null)
        {
            return;
        }

        var moving = new BsonArray(from.Voters.Where(v => v != into.AuthorId));
        var pipeline = new EmptyPipelineDefinition<QuestionDocument>()
            .AppendStage<QuestionDocument, QuestionDocument, QuestionDocument>(new BsonDocument("$set", new BsonDocument("voters",
                new BsonDocument("$setUnion", new BsonArray { "$voters", moving }))))
            .AppendStage<QuestionDocument, QuestionDocument, QuestionDocument>(new BsonDocument("$set", new BsonDocument("votes", new BsonDocument("$size", "$voters"))));
        await Questions.UpdateOneAsync(Live(eventId, intoId), pipeline, cancellationToken: cancellationToken);
    }

    private static FilterDefinition<QuestionDocument> Live(string eventId, string questionId) =>
        F.Eq(d => d.Id, questionId) & F.Eq(d => d.EventId, eventId) & F.Ne(d => d.Deleted, true);
}
