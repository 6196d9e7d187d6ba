using System.Text.Json;
using Coaching.Domain.Availability;
using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using Coaching.Domain.Feeds;
using Coaching.Domain.Migration;
using Coaching.Storage.Sqlite.Availability;
using Coaching.Storage.Sqlite.Bookings;
using Coaching.Storage.Sqlite.Coaches;
using Coaching.Storage.Sqlite.Courses;
using Coaching.Storage.Sqlite.Outbox;
using Microsoft.Data.Sqlite;

namespace Coaching.Storage.Sqlite.Migration;

/// <summary>
/// The embedded database read whole for a copy into another store, with the readers the stores themselves use. Every page is
/// one query per table it touches (a page of bookings: the bookings, then their claims and invites by id), in primary-key order.
/// The caller keeps servers off the database while it reads (<see cref="SqliteDatabase.TryHoldExclusively"/>).
/// </summary>
public sealed class SqliteMigrationSource(SqliteDatabase database) : IMigrationSource
{
    private const string RequestColumns = "request_scope, request_id, request_fingerprint";

    // The request-key columns of a table read under an alias.
    private static string Request(string alias) => $"{alias}.request_scope, {alias}.request_id, {alias}.request_fingerprint";

    /// <inheritdoc />
    public async Task<long> CountAsync(MigrationKind kind, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var count = connection.Command($"SELECT count(*) FROM {TableOf(kind)}");
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IExported>> ReadAsync(MigrationKind kind, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var page = new Page(connection, after ?? string.Empty, limit, cancellationToken);
        return kind switch
        {
            MigrationKind.Settings => await page.ListAsync("SELECT name, value FROM settings WHERE name > $after ORDER BY name LIMIT $limit",
                r => new ExportedSetting(r.GetString(0), (byte[])r.GetValue(1))),
            MigrationKind.Coaches => await page.ListAsync(
                $"SELECT {SqliteCoachStore.CoachColumns}, c.delete_time, {Request("c")} FROM coaches c WHERE c.id > $after ORDER BY c.id LIMIT $limit",
                r => new ExportedCoach(SqliteCoachStore.ReadCoach(r), r.IsDBNull(10) ? null : r.GetInstant(10), KeyAt(r, 11))),
            MigrationKind.Offerings => await page.ListAsync(
                $"SELECT {SqliteCoachStore.OfferingColumns}, o.delete_time, {Request("o")} FROM offerings o WHERE o.id > $after ORDER BY o.id LIMIT $limit",
                r => new ExportedOffering(SqliteCoachStore.ReadOffering(r), r.IsDBNull(16) ? null : r.GetInstant(16), KeyAt(r, 17))),
            MigrationKind.Schedules => await page.ListAsync(
                "SELECT coach_id, windows, update_time, version FROM weekly_schedules WHERE coach_id > $after ORDER BY coach_id LIMIT $limit",
                r => new ExportedSchedule(new WeeklySchedule(r.GetString(0), SqliteAvailabilityStore.ReadWeekly(r.GetString(1)), r.GetInstant(2), r.GetInt64(3)))),
            MigrationKind.Overrides => await page.ListAsync(
                $"SELECT {SqliteAvailabilityStore.OverrideColumns}, {RequestColumns} FROM date_overrides WHERE id > $after ORDER BY id LIMIT $limit",
                r => new ExportedOverride(SqliteAvailabilityStore.ReadOverride(r), KeyAt(r, 8))),
            MigrationKind.Courses => await page.ListAsync(
                $"SELECT {SqliteCourseStore.CourseColumns}, {RequestColumns} FROM courses WHERE id > $after ORDER BY id LIMIT $limit",
                r => new ExportedCourse(SqliteCourseStore.ReadCourse(r), KeyAt(r, 8))),
            MigrationKind.Cohorts => await CohortsAsync(page),
            MigrationKind.EnrolmentInvites => await EnrolmentInvitesAsync(page),
            MigrationKind.Bookings => await BookingsAsync(page),
            MigrationKind.Feeds => await page.ListAsync(
                "SELECT owner, generation, token_hash, rotate_time FROM feeds WHERE owner > $after ORDER BY owner LIMIT $limit",
                r => new ExportedFeed(new FeedRecord(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetInstant(3)))),
            MigrationKind.Webhooks => await page.ListAsync(
                $"SELECT {SqliteOutboxStore.WebhookColumns}, {RequestColumns} FROM webhooks WHERE id > $after ORDER BY id LIMIT $limit",
                r => new ExportedWebhook(SqliteOutboxStore.ReadWebhook(r), KeyAt(r, 6))),
            MigrationKind.Log => await page.ListAsync(
                $"SELECT {OutboxRows.Columns} FROM outbox WHERE position > $position ORDER BY position LIMIT $limit",
                r => OutboxRows.Read(r) is var logged ? new ExportedLogEntry(logged.Position, logged.Entry) : null!,
                command => command.With("$position", after is null ? 0 : long.Parse(after, System.Globalization.CultureInfo.InvariantCulture))),
            MigrationKind.Events => [.. (await new Events.SqliteEventStore(database).PageAsync(after, limit, page.CancellationToken)).Select(p => new ExportedEventProfile(p))],
            MigrationKind.Questions => await Events.SqliteQuestionStore.ExportAsync(page.Connection, after, limit, page.CancellationToken),
            MigrationKind.CalendarConnections => await Calendars.SqliteCalendarConnectionStore.ExportAsync(page.Connection, after, limit, page.CancellationToken),
            MigrationKind.Deliveries => await page.ListAsync(
                $"SELECT {SqliteOutboxStore.DeliveryColumns} FROM deliveries WHERE id > $after ORDER BY id LIMIT $limit",
                r => new ExportedDelivery(SqliteOutboxStore.ReadDelivery(r))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind this store holds"),
        };
    }

    /// <inheritdoc />
    public async Task<ClaimDigest> ClaimsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command("SELECT claim FROM claims");
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var digest = ClaimDigest.Empty;
        while (await reader.ReadAsync(cancellationToken))
        {
            digest = digest.Add(reader.GetString(0));
        }

        return digest;
    }

    /// <inheritdoc />
    public async Task<long> UnplannedLogEntriesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var count = connection.Command("SELECT count(*) FROM outbox WHERE position > (SELECT fanned_out FROM outbox_cursor WHERE id = 1)");
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    private static string TableOf(MigrationKind kind) => kind switch
    {
        MigrationKind.Settings => "settings",
        MigrationKind.Coaches => "coaches",
        MigrationKind.Offerings => "offerings",
        MigrationKind.Schedules => "weekly_schedules",
        MigrationKind.Overrides => "date_overrides",
        MigrationKind.Courses => "courses",
        MigrationKind.Cohorts => "cohorts",
        MigrationKind.EnrolmentInvites => "enrolment_invites",
        MigrationKind.Bookings => "bookings",
        MigrationKind.Feeds => "feeds",
        MigrationKind.Webhooks => "webhooks",
        MigrationKind.Log => "outbox",
        MigrationKind.Deliveries => "deliveries",
        MigrationKind.Events => "event_profiles",
        MigrationKind.Questions => "event_questions",
        MigrationKind.CalendarConnections => "calendar_connections",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind this store holds"),
    };

    private static IdempotencyKey? KeyAt(SqliteDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) ? null : new IdempotencyKey(r.GetString(ordinal), r.GetString(ordinal + 1), r.GetString(ordinal + 2));

    private static async Task<IReadOnlyList<IExported>> BookingsAsync(Page page)
    {
        var bookings = await page.ListAsync($"SELECT {SqliteBookingStore.Columns}, {RequestColumns} FROM bookings WHERE id > $after ORDER BY id LIMIT $limit",
            r => (Booking: SqliteBookingStore.Read(r), Request: KeyAt(r, 21)));
        var ids = JsonSerializer.Serialize(bookings.Select(b => b.Booking.Id));
        var claims = (await page.ListAsync("SELECT booking_id, claim FROM claims WHERE booking_id IN (SELECT value FROM json_each($ids)) ORDER BY claim",
            r => (Booking: r.GetString(0), Claim: r.GetString(1)), command => command.With("$ids", ids))).ToLookup(c => c.Booking, c => c.Claim);
        var invites = (await page.ListAsync(
            "SELECT booking_id, ordinal, method, sequence, uid, content, create_time FROM invites WHERE booking_id IN (SELECT value FROM json_each($ids)) ORDER BY booking_id, ordinal",
            r => (Booking: r.GetString(0), Invite: new Invite(r.GetInt32(1), (InviteMethod)r.GetInt64(2), r.GetInt32(3), r.GetString(4), (byte[])r.GetValue(5), r.GetInstant(6))),
            command => command.With("$ids", ids))).ToLookup(i => i.Booking, i => i.Invite);
        return [.. bookings.Select(b => new ExportedBooking(b.Booking, b.Request, [.. claims[b.Booking.Id]], [.. invites[b.Booking.Id]]))];
    }

    private static async Task<IReadOnlyList<IExported>> CohortsAsync(Page page)
    {
        var cohorts = await page.ListAsync(
            $"SELECT {SqliteCourseStore.CohortColumns}, c.next_arrival, {Request("c")} FROM cohorts c WHERE c.id > $after ORDER BY c.id LIMIT $limit",
            r => (Cohort: SqliteCourseStore.ReadCohort(r), NextArrival: r.GetInt64(16), Request: KeyAt(r, 17)));
        var ids = JsonSerializer.Serialize(cohorts.Select(c => c.Cohort.Id));
        var claims = (await page.ListAsync("SELECT cohort_id, claim FROM claims WHERE cohort_id IN (SELECT value FROM json_each($ids)) ORDER BY claim",
            r => (Cohort: r.GetString(0), Claim: r.GetString(1)), command => command.With("$ids", ids))).ToLookup(c => c.Cohort, c => c.Claim);
        var enrolments = (await page.ListAsync(
            $"SELECT {SqliteCourseStore.EnrolmentColumns}, {Request("e")} FROM enrolments e WHERE e.cohort_id IN (SELECT value FROM json_each($ids)) ORDER BY e.cohort_id, e.state, e.arrival",
            r => new ExportedEnrolment(SqliteCourseStore.ReadEnrolment(r), KeyAt(r, 12)), command => command.With("$ids", ids)))
            .ToLookup(e => e.Enrolment.CohortId);
        return [.. cohorts.Select(c => new ExportedCohort(c.Cohort, c.Request, [.. claims[c.Cohort.Id]], c.NextArrival, [.. enrolments[c.Cohort.Id]]))];
    }

    private static async Task<IReadOnlyList<IExported>> EnrolmentInvitesAsync(Page page)
    {
        var rows = await page.ListAsync(
            """
            SELECT enrolment_id, cohort_id, ordinal, method, sequence, uid, content, create_time, sessions_digest FROM enrolment_invites
            WHERE enrolment_id IN (SELECT DISTINCT enrolment_id FROM enrolment_invites WHERE enrolment_id > $after ORDER BY enrolment_id LIMIT $limit)
            ORDER BY enrolment_id, ordinal
            """,
            r => (Enrolment: r.GetString(0), Cohort: r.GetString(1), Invite: new ExportedEnrolmentInvite(
                new Invite(r.GetInt32(2), (InviteMethod)r.GetInt64(3), r.GetInt32(4), r.GetString(5), (byte[])r.GetValue(6), r.GetInstant(7)), r.GetString(8))));
        return [.. rows.GroupBy(r => (r.Enrolment, r.Cohort)).Select(g => new ExportedEnrolmentInvites(g.Key.Enrolment, g.Key.Cohort, [.. g.Select(r => r.Invite)]))];
    }

    /// <summary>One page's reads on one connection: every query binds the page's <c>$after</c> and <c>$limit</c>.</summary>
    private sealed record Page(SqliteConnection Connection, string After, int Limit, CancellationToken CancellationToken)
    {
        public async Task<List<T>> ListAsync<T>(string sql, Func<SqliteDataReader, T> map, Func<SqliteCommand, SqliteCommand>? bind = null)
        {
            using var command = Connection.Command(sql).With("$after", After).With("$limit", Limit);
            return await (bind?.Invoke(command) ?? command).ListAsync(map, CancellationToken);
        }
    }
}
