using Coaching.Domain.Calendar;
using Coaching.Domain.Courses;
using Coaching.Domain.Outbox;
using Coaching.Storage.Sqlite.Outbox;

namespace Coaching.Storage.Sqlite.Courses;

/// <summary>Enrolment messages in SQLite; the primary key (enrolment, ordinal) makes each SEQUENCE unique.</summary>
public sealed class SqliteEnrolmentInviteStore(SqliteDatabase database) : IEnrolmentInviteStore
{
    /// <inheritdoc />
    public Task<bool> TryAppendAsync(string enrolmentId, string cohortId, Invite invite, string sessionsDigest, OutboxEntry entry,
        CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var insert = connection.Command(
                """
                INSERT INTO enrolment_invites (enrolment_id, ordinal, cohort_id, method, sequence, uid, content, create_time, sessions_digest)
                VALUES ($e, $o, $c, $m, $s, $u, $b, $t, $d) ON CONFLICT DO NOTHING
                """, transaction)
                .With("$e", enrolmentId).With("$o", invite.Ordinal).With("$c", cohortId).With("$m", (long)invite.Method).With("$s", invite.Sequence)
                .With("$u", invite.Uid).With("$b", invite.Content).With("$t", invite.CreateTime).With("$d", sessionsDigest);
            if (await insert.ExecuteNonQueryAsync(CancellationToken.None) == 0)
            {
                return Batched.Discard(false);
            }

            // The message and its e-mails are one write: a sent SEQUENCE always has its outbox entry.
            await OutboxRows.AppendAsync(connection, transaction, entry, CancellationToken.None);
            return Batched.Keep(true);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Invite>> ListAsync(string enrolmentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            "SELECT ordinal, method, sequence, uid, content, create_time FROM enrolment_invites WHERE enrolment_id = $e ORDER BY ordinal").With("$e", enrolmentId);
        return await select.ListAsync(r => new Invite(r.GetInt32(0), (InviteMethod)r.GetInt64(1), r.GetInt32(2), r.GetString(3), (byte[])r.GetValue(4),
            r.GetInstant(5)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, LastInvite>> LatestAsync(string cohortId, CancellationToken cancellationToken) =>
        LatestWhereAsync("i.cohort_id = $c", "$c", cohortId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, LastInvite>> LatestForAsync(IReadOnlyCollection<string> enrolmentIds, CancellationToken cancellationToken) =>
        LatestWhereAsync("i.enrolment_id IN (SELECT value FROM json_each($ids))", "$ids", System.Text.Json.JsonSerializer.Serialize(enrolmentIds), cancellationToken);

    private async Task<IReadOnlyDictionary<string, LastInvite>> LatestWhereAsync(string where, string parameter, string value, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"""
             SELECT i.enrolment_id, i.method, i.sequence, i.sessions_digest FROM enrolment_invites i
             WHERE {where} AND i.ordinal = (SELECT max(j.ordinal) FROM enrolment_invites j WHERE j.enrolment_id = i.enrolment_id)
             """).With(parameter, value);
        var rows = await select.ListAsync(r => (r.GetString(0), new LastInvite((InviteMethod)r.GetInt64(1), r.GetInt32(2), r.GetString(3))), cancellationToken);
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }
}
