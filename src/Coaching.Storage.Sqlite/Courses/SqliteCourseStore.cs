using System.Text.Json;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Outbox;
using Coaching.Storage.Sqlite.Events;
using Coaching.Storage.Sqlite.Outbox;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Coaching.Storage.Sqlite.Courses;

/// <summary>
/// Courses, cohorts and enrolments in SQLite. Enrolment and withdrawal are each one <c>BEGIN IMMEDIATE</c>
/// transaction: the write lock is taken first, so counting the seats, choosing ENROLLED or WAITLISTED and inserting
/// happen with no other writer in between (in any process); a withdrawal promotes the first waitlisted person in the
/// same transaction. A partial unique index keeps one live enrolment per client and cohort, and (cohort, arrival)
/// is unique, so the waitlist order is total.
/// </summary>
public sealed class SqliteCourseStore(SqliteDatabase database) : ICourseStore
{
    internal const string CourseColumns = "id, title, description, outcomes, session_count, create_time, update_time, version";

    internal const string CohortColumns =
        "c.id, c.course_id, c.display_name, c.time_zone, c.sessions, c.coach_ids, c.capacity, c.open_time, c.close_time, c.state, " +
        "c.create_time, c.update_time, c.version, " +
        "(SELECT count(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.state = 1), " +
        "(SELECT count(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.state = 2), c.event";

    internal const string EnrolmentColumns =
        "e.id, e.course_id, e.cohort_id, e.client_id, e.state, e.arrival, e.create_time, e.update_time, e.version, " +
        "CASE WHEN e.state = 2 THEN (SELECT count(*) FROM enrolments w WHERE w.cohort_id = e.cohort_id AND w.state = 2 AND w.arrival <= e.arrival) ELSE 0 END, " +
        "e.client_name, e.client_email";

    /// <inheritdoc />
    public async Task<CreateResult<Course>> CreateCourseAsync(Course course, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            using var insert = connection.Command(
                $"INSERT INTO courses ({CourseColumns}, request_scope, request_id, request_fingerprint) VALUES ($id, $t, $d, $o, $n, $c, $u, $v, $s, $r, $f)")
                .With("$id", course.Id).With("$t", course.Title).With("$d", course.Description).With("$o", JsonSerializer.Serialize(course.Outcomes))
                .With("$n", course.SessionCount).With("$c", course.CreateTime).With("$u", course.UpdateTime).With("$v", course.Version)
                .With("$s", key?.Scope).With("$r", key?.RequestId).With("$f", key?.Fingerprint);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            return new CreateResult<Course>(course, true, key?.Fingerprint);
        }
        catch (SqliteException e) when (key is not null && e.IsUniqueViolation())
        {
            using var select = connection.Command($"SELECT {CourseColumns}, request_fingerprint FROM courses WHERE request_scope = $s AND request_id = $r")
                .With("$s", key.Scope).With("$r", key.RequestId);
            var rows = await select.ListAsync(r => (ReadCourse(r), r.GetString(8)), cancellationToken);
            return new CreateResult<Course>(rows[0].Item1, false, rows[0].Item2);
        }
    }

    /// <inheritdoc />
    public async Task<Course?> GetCourseAsync(string courseId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {CourseColumns} FROM courses WHERE id = $id").With("$id", courseId);
        return (await select.ListAsync(ReadCourse, cancellationToken)).FirstOrDefault();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Course>> GetCoursesAsync(IReadOnlyCollection<string> courseIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {CourseColumns} FROM courses WHERE id IN (SELECT value FROM json_each($ids)) ORDER BY id")
            .With("$ids", System.Text.Json.JsonSerializer.Serialize(courseIds));
        return await select.ListAsync(ReadCourse, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Cohort>> GetCohortsAsync(IReadOnlyCollection<string> cohortIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {CohortColumns} FROM cohorts c WHERE c.id IN (SELECT value FROM json_each($ids)) ORDER BY c.id")
            .With("$ids", System.Text.Json.JsonSerializer.Serialize(cohortIds));
        return await select.ListAsync(ReadCohort, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Course>> ListCoursesAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command($"SELECT {CourseColumns} FROM courses WHERE id > $after ORDER BY id LIMIT $limit")
            .With("$after", afterId ?? string.Empty).With("$limit", limit);
        return await select.ListAsync(ReadCourse, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CohortWrite> CreateCohortAsync(Cohort cohort, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            using var insert = connection.Command(
                """
                INSERT INTO cohorts (id, course_id, display_name, time_zone, sessions, coach_ids, capacity, open_time, close_time, state,
                    create_time, update_time, version, event, request_scope, request_id, request_fingerprint)
                VALUES ($id, $course, $name, $zone, $sessions, $coaches, $capacity, $open, $close, $state, $created, $updated, $version, $event, $s, $r, $f)
                """, transaction);
            BindCohort(insert, cohort).With("$s", key?.Scope).With("$r", key?.RequestId).With("$f", key?.Fingerprint);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (key is not null && e.IsUniqueViolation())
        {
            await transaction.RollbackAsync(cancellationToken);
            using var select = connection.Command($"SELECT {CohortColumns}, c.request_fingerprint FROM cohorts c WHERE c.request_scope = $s AND c.request_id = $r")
                .With("$s", key.Scope).With("$r", key.RequestId);
            var rows = await select.ListAsync(r => (ReadCohort(r), r.GetString(16)), cancellationToken);
            return new CohortWrite.RequestSeen(rows[0].Item1, rows[0].Item2);
        }

        await WriteTeachingAsync(connection, transaction, cohort, cancellationToken);
        if (!await ClaimAsync(connection, transaction, cohort, cancellationToken))
        {
            return new CohortWrite.SessionConflict();
        }

        await transaction.CommitAsync(cancellationToken);
        return new CohortWrite.Stored(cohort);
    }

    /// <inheritdoc />
    public async Task<Cohort?> GetCohortAsync(string courseId, string cohortId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GetCohortAsync(connection, null, courseId, cohortId, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Cohort>> ListCohortsAsync(string? courseId, CohortState? state, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"""
             SELECT {CohortColumns} FROM cohorts c
             WHERE ($course IS NULL OR c.course_id = $course) AND ($state IS NULL OR c.state = $state) AND c.id > $after
             ORDER BY c.id LIMIT $limit
             """).With("$course", courseId).With("$state", state is { } s ? (long)s : null).With("$after", afterId ?? string.Empty).With("$limit", limit);
        return await select.ListAsync(ReadCohort, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CohortWrite> UpdateCohortAsync(Cohort updated, long expectedVersion, OutboxEntry changed, Announce<Enrolment> announce,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var enrolled = await CountAsync(connection, transaction, updated.Id, EnrolmentState.Enrolled, cancellationToken);
        if (updated.Capacity < enrolled)
        {
            return new CohortWrite.CapacityBelowEnrolment((int)enrolled);
        }

        using var update = connection.Command(
            """
            UPDATE cohorts SET display_name = $name, time_zone = $zone, sessions = $sessions, coach_ids = $coaches, capacity = $capacity,
                open_time = $open, close_time = $close, state = $state, update_time = $updated, version = $version,
                event = coalesce($event, event)
            WHERE id = $id AND version = $expected
            """, transaction);
        BindCohort(update, updated).With("$expected", expectedVersion);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return await GetCohortAsync(connection, transaction, updated.CourseId, updated.Id, cancellationToken) is null
                ? new CohortWrite.Missing()
                : new CohortWrite.Stale();
        }

        using (var clear = connection.Command("DELETE FROM cohort_teaching WHERE cohort_id = $id", transaction).With("$id", updated.Id))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await WriteTeachingAsync(connection, transaction, updated, cancellationToken);
        if (!await ClaimAsync(connection, transaction, updated, cancellationToken))
        {
            return new CohortWrite.SessionConflict();
        }

        var promotedAt = await OrderedTimeAsync(connection, transaction, updated.Id, updated.UpdateTime, cancellationToken);
        var promoted = await PromoteAsync(connection, transaction, updated.Id, updated.Capacity - (int)enrolled, promotedAt, cancellationToken);
        await OutboxRows.AppendAsync(connection, transaction, changed, cancellationToken);
        await AnnounceAsync(connection, transaction, "enrolment.promoted", promoted, announce, cancellationToken);
        var stored = await GetCohortAsync(connection, transaction, updated.CourseId, updated.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CohortWrite.Stored(stored!);
    }

    /// <inheritdoc />
    public async Task<EnrolOutcome> EnrolAsync(Enrolment candidate, IdempotencyKey key, Announce<Enrolment> announce, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using (var byKey = connection.Command(
            $"SELECT {EnrolmentColumns}, e.request_fingerprint FROM enrolments e WHERE e.request_scope = $s AND e.request_id = $r", transaction)
            .With("$s", key.Scope).With("$r", key.RequestId))
        {
            var seen = await byKey.ListAsync(r => (Enrolment: ReadEnrolment(r), Fingerprint: r.GetString(r.FieldCount - 1)), cancellationToken);
            if (seen.Count > 0)
            {
                return new EnrolOutcome.RequestSeen(seen[0].Fingerprint, seen[0].Enrolment);
            }
        }

        using (var live = connection.Command(
            $"SELECT {EnrolmentColumns} FROM enrolments e WHERE e.cohort_id = $cohort AND e.client_id = $client AND e.state IN (1, 2)", transaction)
            .With("$cohort", candidate.CohortId).With("$client", candidate.ClientId))
        {
            if ((await live.ListAsync(ReadEnrolment, cancellationToken)).FirstOrDefault() is { } existing)
            {
                return new EnrolOutcome.AlreadyEnrolled(existing);
            }
        }

        using var seats = connection.Command(
            """
            SELECT capacity, state, next_arrival,
                (SELECT count(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.state = 1),
                (SELECT count(*) FROM enrolments e WHERE e.cohort_id = c.id AND e.state = 2)
            FROM cohorts c WHERE c.id = $id
            """,
            transaction).With("$id", candidate.CohortId);
        var cohort = (await seats.ListAsync(r => (Capacity: r.GetInt64(0), State: r.GetInt64(1), Next: r.GetInt64(2), Enrolled: r.GetInt64(3),
            Waiting: r.GetInt64(4)), cancellationToken)).FirstOrDefault();
        if (cohort.State != (long)CohortState.Open)
        {
            return new EnrolOutcome.NotOpen();
        }

        var state = cohort.Enrolled < cohort.Capacity ? EnrolmentState.Enrolled : EnrolmentState.Waitlisted;
        if (state == EnrolmentState.Waitlisted && cohort.Waiting >= Cohort.MaxWaitlist)
        {
            return new EnrolOutcome.WaitlistFull();
        }

        var time = await OrderedTimeAsync(connection, transaction, candidate.CohortId, candidate.CreateTime, cancellationToken);
        using var insert = connection.Command(
            """
            INSERT INTO enrolments (id, course_id, cohort_id, client_id, state, arrival, create_time, update_time, version, request_scope, request_id,
                request_fingerprint, client_name, client_email)
            VALUES ($id, $course, $cohort, $client, $state, $arrival, $t, $t, 1, $s, $r, $f, $name, $email)
            """, transaction)
            .With("$id", candidate.Id).With("$course", candidate.CourseId).With("$cohort", candidate.CohortId).With("$client", candidate.ClientId)
            .With("$state", (long)state).With("$arrival", cohort.Next).With("$t", time)
            .With("$s", key.Scope).With("$r", key.RequestId).With("$f", key.Fingerprint)
            .With("$name", candidate.ClientName).With("$email", candidate.ClientEmail);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        using (var next = connection.Command("UPDATE cohorts SET next_arrival = next_arrival + 1 WHERE id = $id", transaction).With("$id", candidate.CohortId))
        {
            await next.ExecuteNonQueryAsync(cancellationToken);
        }

        var stored = await GetEnrolmentAsync(connection, transaction, candidate.Id, cancellationToken);
        await OutboxRows.AppendAsync(connection, transaction,
            announce(state == EnrolmentState.Enrolled ? "enrolment.enrolled" : "enrolment.waitlisted", stored!), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new EnrolOutcome.Joined(stored!);
    }

    /// <inheritdoc />
    public async Task<Enrolment?> GetEnrolmentAsync(string courseId, string cohortId, string enrolmentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var enrolment = await GetEnrolmentAsync(connection, null, enrolmentId, cancellationToken);
        return enrolment is not null && enrolment.CourseId == courseId && enrolment.CohortId == cohortId ? enrolment : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Enrolment>> ListEnrolmentsAsync(EnrolmentQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"""
             SELECT {EnrolmentColumns} FROM enrolments e
             WHERE ($cohort IS NULL OR e.cohort_id = $cohort) AND ($client IS NULL OR e.client_id = $client) AND ($state IS NULL OR e.state = $state)
               AND (e.state, e.arrival, e.id) > ($after_state, $after_arrival, $after_id)
             ORDER BY e.state, e.arrival, e.id LIMIT $limit
             """)
            .With("$cohort", query.CohortId).With("$client", query.ClientId).With("$state", query.State is { } s ? (long)s : null)
            .With("$after_state", (long)(query.After?.State ?? 0)).With("$after_arrival", query.After?.Arrival ?? 0)
            .With("$after_id", query.After?.Id ?? string.Empty).With("$limit", query.Limit);
        return await select.ListAsync(ReadEnrolment, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<WithdrawOutcome> WithdrawAsync(Enrolment enrolment, long expectedVersion, Instant now, Announce<Enrolment> announce,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var current = await GetEnrolmentAsync(connection, transaction, enrolment.Id, cancellationToken);
        if (current is null)
        {
            return new WithdrawOutcome.Missing();
        }

        if (current.State == EnrolmentState.Withdrawn)
        {
            return new WithdrawOutcome.AlreadyWithdrawn();
        }

        if (current.Version != expectedVersion)
        {
            return new WithdrawOutcome.Stale();
        }

        now = await OrderedTimeAsync(connection, transaction, current.CohortId, now, cancellationToken);
        using (var withdraw = connection.Command(
            "UPDATE enrolments SET state = 3, update_time = $t, version = version + 1 WHERE id = $id AND version = $expected", transaction)
            .With("$id", enrolment.Id).With("$t", now).With("$expected", expectedVersion))
        {
            await withdraw.ExecuteNonQueryAsync(cancellationToken);
        }

        Enrolment? promoted = null;
        if (current.State == EnrolmentState.Enrolled)
        {
            var ids = await PromoteAsync(connection, transaction, current.CohortId, 1, now, cancellationToken);
            promoted = ids.Count == 0 ? null : await GetEnrolmentAsync(connection, transaction, ids[0], cancellationToken);
        }

        var withdrawn = await GetEnrolmentAsync(connection, transaction, enrolment.Id, cancellationToken);
        await OutboxRows.AppendAsync(connection, transaction, announce("enrolment.withdrawn", withdrawn!), cancellationToken);
        if (promoted is not null)
        {
            await OutboxRows.AppendAsync(connection, transaction, announce("enrolment.promoted", promoted), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new WithdrawOutcome.Withdrawn(withdrawn!, promoted);
    }

    // The entries of the people a change promoted, in promotion order, in the change's transaction.
    private static async Task AnnounceAsync(SqliteConnection connection, SqliteTransaction transaction, string type, IReadOnlyList<string> enrolmentIds,
        Announce<Enrolment> announce, CancellationToken ct)
    {
        foreach (var id in enrolmentIds)
        {
            await OutboxRows.AppendAsync(connection, transaction, announce(type, (await GetEnrolmentAsync(connection, transaction, id, ct))!), ct);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TeachingSession>> ListTeachingAsync(IReadOnlyCollection<string> coachIds, Instant rangeStart,
        Instant rangeEnd, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            """
            SELECT t.coach_id, t.start_time, t.end_time, c.course_id, c.id,
                   (SELECT count(*) FROM cohort_teaching p WHERE p.cohort_id = t.cohort_id AND p.coach_id = t.coach_id AND p.start_time < t.start_time)
            FROM cohort_teaching t JOIN cohorts c ON c.id = t.cohort_id
            WHERE t.coach_id IN (SELECT value FROM json_each($ids)) AND t.start_time < $end AND t.start_time > $lowest AND t.end_time > $start
              AND c.state != 4
            """)
            .With("$ids", JsonSerializer.Serialize(coachIds)).With("$start", rangeStart).With("$end", rangeEnd)
            .With("$lowest", rangeStart - Cohort.LongestSession);
        return await select.ListAsync(r => new TeachingSession(r.GetString(0), r.GetString(3), r.GetString(4), r.GetInt32(5),
            new CohortSession(r.GetInstant(1), r.GetInstant(2) - r.GetInstant(1), string.Empty)), cancellationToken);
    }

    // Moves the first `seats` waitlisted people (by arrival) into the cohort; returns their ids.
    /// <summary>
    /// The time to stamp on enrolments changed by this transaction: <paramref name="at"/>, or 1 ms after the cohort's latest
    /// enrolment change when that is later, so enrolment times follow the order the writes commit in whatever clocks say.
    /// </summary>
    private static async Task<Instant> OrderedTimeAsync(SqliteConnection connection, SqliteTransaction transaction, string cohortId, Instant at,
        CancellationToken cancellationToken)
    {
        using var latest = connection.Command("SELECT max(update_time) FROM enrolments WHERE cohort_id = $id", transaction).With("$id", cohortId);
        return await latest.ExecuteScalarAsync(cancellationToken) is long ms && Instant.FromUnixTimeMilliseconds(ms + 1) > at
            ? Instant.FromUnixTimeMilliseconds(ms + 1)
            : at;
    }

    private static async Task<List<string>> PromoteAsync(SqliteConnection connection, SqliteTransaction transaction, string cohortId, int seats, Instant now,
        CancellationToken ct)
    {
        if (seats <= 0)
        {
            return [];
        }

        using var first = connection.Command("SELECT id FROM enrolments WHERE cohort_id = $c AND state = 2 ORDER BY arrival LIMIT $n", transaction)
            .With("$c", cohortId).With("$n", seats);
        var ids = await first.ListAsync(r => r.GetString(0), ct);
        foreach (var id in ids)
        {
            using var promote = connection.Command("UPDATE enrolments SET state = 1, update_time = $t, version = version + 1 WHERE id = $id", transaction)
                .With("$id", id).With("$t", now);
            await promote.ExecuteNonQueryAsync(ct);
        }

        return ids;
    }

    private static async Task<long> CountAsync(SqliteConnection connection, SqliteTransaction transaction, string cohortId, EnrolmentState state, CancellationToken ct)
    {
        using var count = connection.Command("SELECT count(*) FROM enrolments WHERE cohort_id = $c AND state = $s", transaction)
            .With("$c", cohortId).With("$s", (long)state);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Replaces the cohort's time claims with those of its sessions (none once cancelled), in the caller's transaction; false
    /// when another commitment holds a cell (the caller then abandons the transaction, so nothing of the write stays).
    /// </summary>
    private static async Task<bool> ClaimAsync(SqliteConnection connection, SqliteTransaction transaction, Cohort cohort, CancellationToken ct)
    {
        await ClaimRows.ReleaseAsync(connection, transaction, ClaimRows.Owner.Cohort, cohort.Id, ct);
        return await ClaimRows.TryInsertAsync(connection, transaction, ClaimRows.Owner.Cohort, cohort.Id, cohort.TimeClaims, ct);
    }

    private static async Task WriteTeachingAsync(SqliteConnection connection, SqliteTransaction transaction, Cohort cohort, CancellationToken ct)
    {
        foreach (var coach in cohort.CoachIds)
        {
            foreach (var session in cohort.Sessions)
            {
                using var insert = connection.Command("INSERT INTO cohort_teaching (coach_id, start_time, end_time, cohort_id) VALUES ($c, $s, $e, $id)", transaction)
                    .With("$c", coach).With("$s", session.Start).With("$e", session.End).With("$id", cohort.Id);
                await insert.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private static async Task<Cohort?> GetCohortAsync(SqliteConnection connection, SqliteTransaction? transaction, string courseId, string cohortId,
        CancellationToken ct)
    {
        using var select = connection.Command($"SELECT {CohortColumns} FROM cohorts c WHERE c.id = $id AND c.course_id = $course", transaction)
            .With("$id", cohortId).With("$course", courseId);
        return (await select.ListAsync(ReadCohort, ct)).FirstOrDefault();
    }

    private static async Task<Enrolment?> GetEnrolmentAsync(SqliteConnection connection, SqliteTransaction? transaction, string id, CancellationToken ct)
    {
        using var select = connection.Command($"SELECT {EnrolmentColumns} FROM enrolments e WHERE e.id = $id", transaction).With("$id", id);
        return (await select.ListAsync(ReadEnrolment, ct)).FirstOrDefault();
    }

    private static SqliteCommand BindCohort(SqliteCommand command, Cohort c) => command
        .With("$id", c.Id).With("$course", c.CourseId).With("$name", c.DisplayName).With("$zone", c.TimeZoneId)
        .With("$sessions", JsonSerializer.Serialize(c.Sessions.Select(s => new object[] { s.Start.ToUnixTimeMilliseconds(), (long)s.Duration.TotalSeconds, s.Title })))
        .With("$coaches", JsonSerializer.Serialize(c.CoachIds)).With("$capacity", c.Capacity).With("$open", c.EnrolmentOpen).With("$close", c.EnrolmentClose)
        .With("$state", (long)c.State).With("$created", c.CreateTime).With("$updated", c.UpdateTime).With("$version", c.Version)
        .With("$event", EventProfileJson.Write(c.Event));

    internal static Course ReadCourse(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), Title = r.GetString(1), Description = r.GetString(2),
        Outcomes = JsonSerializer.Deserialize<List<string>>(r.GetString(3)) ?? [], SessionCount = r.GetInt32(4),
        CreateTime = r.GetInstant(5), UpdateTime = r.GetInstant(6), Version = r.GetInt64(7),
    };

    internal static Cohort ReadCohort(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        CourseId = r.GetString(1),
        DisplayName = r.GetString(2),
        TimeZoneId = r.GetString(3),
        Sessions = [.. JsonSerializer.Deserialize<JsonElement[]>(r.GetString(4))!.Select(e => new CohortSession(
            Instant.FromUnixTimeMilliseconds(e[0].GetInt64()), Duration.FromSeconds(e[1].GetInt64()), e[2].GetString() ?? string.Empty))],
        CoachIds = JsonSerializer.Deserialize<List<string>>(r.GetString(5)) ?? [],
        Capacity = r.GetInt32(6),
        EnrolmentOpen = r.GetInstant(7),
        EnrolmentClose = r.GetInstant(8),
        State = (CohortState)r.GetInt64(9),
        CreateTime = r.GetInstant(10),
        UpdateTime = r.GetInstant(11),
        Version = r.GetInt64(12),
        EnrolledCount = r.GetInt32(13),
        WaitlistCount = r.GetInt32(14),
        Event = r.IsDBNull(15) ? null : EventProfileJson.Read(r.GetString(15)),
    };

    internal static Enrolment ReadEnrolment(SqliteDataReader r) => new()
    {
        Id = r.GetString(0), CourseId = r.GetString(1), CohortId = r.GetString(2), ClientId = r.GetString(3), State = (EnrolmentState)r.GetInt64(4),
        Arrival = r.GetInt64(5), CreateTime = r.GetInstant(6), UpdateTime = r.GetInstant(7), Version = r.GetInt64(8), WaitlistPosition = r.GetInt32(9),
        ClientName = r.GetString(10), ClientEmail = r.GetString(11),
    };
}
