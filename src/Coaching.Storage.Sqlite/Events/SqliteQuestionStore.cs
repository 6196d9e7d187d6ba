using Coaching.Domain.Common;
using Coaching.Domain.Events;
using Coaching.Domain.Outbox;
using Coaching.Storage.Sqlite.Outbox;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite.Events;

/// <summary>
/// Questions in SQLite. A vote is an insert into <c>question_votes</c>, whose primary key keeps one vote per voter, and the count's
/// increment in the same transaction; every change appends its outbox entry in that transaction too.
/// </summary>
public sealed class SqliteQuestionStore(SqliteDatabase database) : IQuestionStore
{
    private const string Columns = "q.id, q.event_id, q.author_id, q.text, q.anonymous, q.state, q.merged_into, q.votes, q.create_time, q.update_time, q.version";

    /// <inheritdoc />
    public Task<CreateResult<Question>> CreateAsync(Question question, IdempotencyKey key, OutboxEntry announced, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var insert = connection.Command(
                """
                INSERT INTO event_questions (id, event_id, author_id, text, anonymous, state, merged_into, votes, create_time, update_time, version,
                    request_scope, request_id, request_fingerprint)
                VALUES ($id, $event, $author, $text, $anonymous, $state, $merged, $votes, $created, $updated, $version, $scope, $rid, $fingerprint)
                ON CONFLICT (request_scope, request_id) DO NOTHING
                """, transaction)
                .With("$id", question.Id).With("$event", question.EventId).With("$author", question.AuthorId).With("$text", question.Text)
                .With("$anonymous", question.Anonymous).With("$state", (long)question.State).With("$merged", question.MergedInto).With("$votes", question.Votes)
                .With("$created", question.CreateTime).With("$updated", question.UpdateTime).With("$version", question.Version)
                .With("$scope", key.Scope).With("$rid", key.RequestId).With("$fingerprint", key.Fingerprint);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                await OutboxRows.AppendAsync(connection, transaction, announced, cancellationToken);
                return Batched.Keep(new CreateResult<Question>(question, true, key.Fingerprint));
            }

            using var seen = connection.Command($"SELECT {Columns}, q.request_fingerprint FROM event_questions q WHERE q.request_scope = $scope AND q.request_id = $rid",
                transaction).With("$scope", key.Scope).With("$rid", key.RequestId);
            var (original, fingerprint) = (await seen.ListAsync(r => (Read(r), r.GetString(11)), cancellationToken))[0];
            return Batched.Keep(new CreateResult<Question>(original, false, fingerprint));
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<Question?> GetAsync(string eventId, string questionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {Columns} FROM event_questions q WHERE q.id = $id AND q.event_id = $event")
            .With("$id", questionId).With("$event", eventId);
        return (await select.ListAsync(Read, cancellationToken)).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QuestionView>> ListAsync(string eventId, string viewer, QuestionCursor? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"""
            SELECT {Columns}, EXISTS (SELECT 1 FROM question_votes v WHERE v.question_id = q.id AND v.voter = $viewer)
            FROM event_questions q
            WHERE q.event_id = $event
              AND ($votes IS NULL OR q.votes < $votes OR (q.votes = $votes AND (q.create_time > $created OR (q.create_time = $created AND q.id > $id))))
            ORDER BY q.votes DESC, q.create_time, q.id
            LIMIT $limit
            """)
            .With("$event", eventId).With("$viewer", viewer).With("$votes", after?.Votes).With("$created", after?.Created).With("$id", after?.Id)
            .With("$limit", limit);
        return await select.ListAsync(r => new QuestionView(Read(r), r.GetInt64(11) == 1), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateAsync(Question changed, long expectedVersion, OutboxEntry announced, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var update = connection.Command(
                """
                UPDATE event_questions SET state = $state, merged_into = $merged, update_time = $updated, version = $version
                WHERE id = $id AND event_id = $event AND version = $expected
                """, transaction)
                .With("$state", (long)changed.State).With("$merged", changed.MergedInto).With("$updated", changed.UpdateTime).With("$version", changed.Version)
                .With("$id", changed.Id).With("$event", changed.EventId).With("$expected", expectedVersion);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return Batched.Keep(false);
            }

            await OutboxRows.AppendAsync(connection, transaction, announced, cancellationToken);
            return Batched.Keep(true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string eventId, string questionId, OutboxEntry announced, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var votes = connection.Command(
                "DELETE FROM question_votes WHERE question_id = (SELECT id FROM event_questions WHERE id = $id AND event_id = $event)", transaction)
                .With("$id", questionId).With("$event", eventId);
            await votes.ExecuteNonQueryAsync(cancellationToken);
            using var delete = connection.Command("DELETE FROM event_questions WHERE id = $id AND event_id = $event", transaction)
                .With("$id", questionId).With("$event", eventId);
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return Batched.Keep(false);
            }

            await OutboxRows.AppendAsync(connection, transaction, announced, cancellationToken);
            return Batched.Keep(true);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<(VoteOutcome Outcome, Question? Question)> VoteAsync(string eventId, string questionId, string voter, Func<Question, OutboxEntry> announce,
        CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var vote = connection.Command(
                """
                INSERT INTO question_votes (question_id, voter)
                SELECT id, $voter FROM event_questions WHERE id = $id AND event_id = $event
                ON CONFLICT DO NOTHING
                """, transaction).With("$voter", voter).With("$id", questionId).With("$event", eventId);
            var counted = await vote.ExecuteNonQueryAsync(cancellationToken) == 1;
            if (counted)
            {
                using var count = connection.Command("UPDATE event_questions SET votes = votes + 1 WHERE id = $id", transaction).With("$id", questionId);
                await count.ExecuteNonQueryAsync(cancellationToken);
            }

            using var select = connection.Command($"SELECT {Columns} FROM event_questions q WHERE q.id = $id AND q.event_id = $event", transaction)
                .With("$id", questionId).With("$event", eventId);
            var question = (await select.ListAsync(Read, cancellationToken)).FirstOrDefault();
            if (question is null)
            {
                return Batched.Keep<(VoteOutcome, Question?)>((VoteOutcome.Missing, null));
            }

            if (counted)
            {
                await OutboxRows.AppendAsync(connection, transaction, announce(question), cancellationToken);
            }

            return Batched.Keep<(VoteOutcome, Question?)>((counted ? VoteOutcome.Counted : VoteOutcome.AlreadyCounted, question));
        }, cancellationToken);

    /// <inheritdoc />
    public Task MergeVotesAsync(string eventId, string fromId, string intoId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // The target's asker cannot vote for their own question, even through a merge.
            using var copy = connection.Command(
                """
                INSERT OR IGNORE INTO question_votes (question_id, voter)
                SELECT t.id, v.voter FROM question_votes v JOIN event_questions t ON t.id = $into AND t.event_id = $event
                WHERE v.question_id = $from AND v.voter <> t.author_id
                """, transaction).With("$into", intoId).With("$from", fromId).With("$event", eventId);
            await copy.ExecuteNonQueryAsync(cancellationToken);
            using var count = connection.Command(
                "UPDATE event_questions SET votes = (SELECT count(*) FROM question_votes WHERE question_id = $into) WHERE id = $into AND event_id = $event",
                transaction).With("$into", intoId).With("$event", eventId);
            await count.ExecuteNonQueryAsync(cancellationToken);
            return Batched.Keep(true);
        }, cancellationToken);

    /// <summary>Questions after <paramref name="after"/> in id order with their request keys and voters, for a copy of the whole store.</summary>
    internal static async Task<IReadOnlyList<Coaching.Domain.Migration.IExported>> ExportAsync(SqliteConnection connection, string? after, int limit,
        CancellationToken ct)
    {
        using var select = connection.Command(
            $"SELECT {Columns}, q.request_scope, q.request_id, q.request_fingerprint FROM event_questions q WHERE q.id > $after ORDER BY q.id LIMIT $limit")
            .With("$after", after ?? string.Empty).With("$limit", limit);
        var rows = await select.ListAsync(r => (Question: Read(r), Key: new IdempotencyKey(r.GetString(11), r.GetString(12), r.GetString(13))), ct);
        using var votes = connection.Command("SELECT question_id, voter FROM question_votes WHERE question_id IN (SELECT value FROM json_each($ids)) ORDER BY voter")
            .With("$ids", System.Text.Json.JsonSerializer.Serialize(rows.Select(r => r.Question.Id)));
        var voters = (await votes.ListAsync(r => (Question: r.GetString(0), Voter: r.GetString(1)), ct)).ToLookup(v => v.Question, v => v.Voter);
        return [.. rows.Select(r => new Coaching.Domain.Migration.ExportedQuestion(r.Question, r.Key, [.. voters[r.Question.Id]]))];
    }

    private static Question Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), EventId = r.GetString(1), AuthorId = r.GetString(2), Text = r.GetString(3), Anonymous = r.GetInt64(4) == 1,
        State = (QuestionState)r.GetInt64(5), MergedInto = r.GetString(6), Votes = r.GetInt32(7), CreateTime = r.GetInstant(8),
        UpdateTime = r.GetInstant(9), Version = r.GetInt64(10),
    };
}
