using System.Text.Json;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Coaching.Storage.Sqlite.Coaches;

/// <summary>
/// Coaches and offerings in SQLite. Version checks are part of each UPDATE's WHERE clause; idempotency
/// keys are a UNIQUE constraint; a coach row and its specialty index rows change in one transaction.
/// </summary>
public sealed class SqliteCoachStore(SqliteDatabase database) : ICoachStore
{
    internal const string CoachColumns =
        "c.id, c.display_name, c.bio, c.email, c.specialties, c.time_zone, c.active, c.create_time, c.update_time, c.version";

    internal const string OfferingColumns =
        "o.id, o.coach_id, o.title, o.description, o.duration_s, o.buffer_before_s, o.buffer_after_s, o.minimum_notice_s, " +
        "o.booking_horizon_s, o.daily_cap, o.weekly_cap, o.requires_confirmation, o.cancellation_cutoff_s, o.create_time, o.update_time, o.version";

    /// <inheritdoc />
    public async Task<CreateResult<Coach>> CreateCoachAsync(Coach coach, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            using var insert = connection.Command(
                """
                INSERT INTO coaches (id, display_name, bio, email, specialties, time_zone, active, create_time, update_time,
                                     version, request_scope, request_id, request_fingerprint)
                VALUES ($id, $display_name, $bio, $email, $specialties, $time_zone, $active, $create_time, $update_time,
                        $version, $request_scope, $request_id, $request_fingerprint)
                """, transaction);
            BindCoach(insert, coach)
                .With("$request_scope", key?.Scope).With("$request_id", key?.RequestId).With("$request_fingerprint", key?.Fingerprint);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await WriteSpecialtiesAsync(connection, transaction, coach, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new CreateResult<Coach>(coach, true, key?.Fingerprint);
        }
        catch (SqliteException e) when (key is not null && e.IsUniqueViolation())
        {
            await transaction.RollbackAsync(cancellationToken);
            using var existing = connection.Command(
                $"SELECT {CoachColumns}, c.request_fingerprint FROM coaches c WHERE c.request_scope = $scope AND c.request_id = $rid")
                .With("$scope", key.Scope).With("$rid", key.RequestId);
            var rows = await existing.ListAsync(r => (Coach: ReadCoach(r), Fingerprint: r.GetString(10)), cancellationToken);
            return new CreateResult<Coach>(rows[0].Coach, false, rows[0].Fingerprint);
        }
    }

    /// <inheritdoc />
    public async Task<Coach?> GetCoachAsync(string coachId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await database.Catalog.GetAsync(connection, $"coach|{coachId}", async c =>
        {
            using var select = c.Command($"SELECT {CoachColumns} FROM coaches c WHERE c.id = $id AND c.delete_time IS NULL").With("$id", coachId);
            var rows = await select.ListAsync(ReadCoach, cancellationToken);
            return rows.Count == 0 ? null : rows[0];
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Coach>> GetCoachesAsync(IReadOnlyCollection<string> coachIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"SELECT {CoachColumns} FROM coaches c WHERE c.id IN (SELECT value FROM json_each($ids)) AND c.delete_time IS NULL ORDER BY c.id")
            .With("$ids", System.Text.Json.JsonSerializer.Serialize(coachIds));
        return await select.ListAsync(ReadCoach, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Coach>> ListCoachesAsync(CoachQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // With a specialty, walk the (specialty, coach_id) primary key in order; otherwise the coaches primary key.
        var sql = query.Specialty is null
            ? $"SELECT {CoachColumns} FROM coaches c WHERE c.id > $after AND c.delete_time IS NULL AND (c.active = 1 OR $inactive = 1) ORDER BY c.id LIMIT $limit"
            : $"""
               SELECT {CoachColumns} FROM coach_specialties s JOIN coaches c ON c.id = s.coach_id
               WHERE s.specialty = $specialty AND s.coach_id > $after AND c.delete_time IS NULL AND (c.active = 1 OR $inactive = 1)
               ORDER BY s.coach_id LIMIT $limit
               """;
        using var select = connection.Command(sql)
            .With("$after", query.AfterId ?? string.Empty).With("$inactive", query.IncludeInactive)
            .With("$specialty", query.Specialty).With("$limit", query.Limit);
        return await select.ListAsync(ReadCoach, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Coach> UpdateCoachAsync(Coach coach, long expectedVersion, CancellationToken cancellationToken)
    {
        var stored = coach with { Version = checked(expectedVersion + 1) };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using var update = connection.Command(
            """
            UPDATE coaches SET display_name = $display_name, bio = $bio, email = $email, specialties = $specialties,
                time_zone = $time_zone, active = $active, update_time = $update_time, version = $version
            WHERE id = $id AND version = $expected AND delete_time IS NULL
            """, transaction);
        BindCoach(update, stored).With("$expected", expectedVersion);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            await SqliteCommands.FailConditionalWriteAsync(connection, transaction, "coaches", coach.Id, coach.Name, cancellationToken);
        }

        using (var clear = connection.Command("DELETE FROM coach_specialties WHERE coach_id = $id", transaction).With("$id", coach.Id))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await WriteSpecialtiesAsync(connection, transaction, stored, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <inheritdoc />
    public async Task DeleteCoachAsync(string coachId, long expectedVersion, Instant now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using var delete = connection.Command(
            "UPDATE coaches SET delete_time = $now, update_time = $now, active = 0, version = version + 1 WHERE id = $id AND version = $expected AND delete_time IS NULL",
            transaction).With("$id", coachId).With("$expected", expectedVersion).With("$now", now);
        if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            await SqliteCommands.FailConditionalWriteAsync(connection, transaction, "coaches", coachId, ResourceNames.Coach(coachId), cancellationToken);
        }

        using (var clear = connection.Command("DELETE FROM coach_specialties WHERE coach_id = $id", transaction).With("$id", coachId))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CreateResult<Offering>> CreateOfferingAsync(Offering offering, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            // The coach's existence is part of the insert itself, so a coach deleted meanwhile cannot gain an offering.
            using var insert = connection.Command(
                """
                INSERT INTO offerings (id, coach_id, title, description, duration_s, buffer_before_s, buffer_after_s, minimum_notice_s,
                    booking_horizon_s, daily_cap, weekly_cap, requires_confirmation, cancellation_cutoff_s, create_time, update_time,
                    version, request_scope, request_id, request_fingerprint)
                SELECT $id, $coach_id, $title, $description, $duration, $buffer_before, $buffer_after, $minimum_notice,
                    $booking_horizon, $daily_cap, $weekly_cap, $requires_confirmation, $cancellation_cutoff, $create_time, $update_time,
                    $version, $request_scope, $request_id, $request_fingerprint
                WHERE EXISTS (SELECT 1 FROM coaches WHERE id = $coach_id AND delete_time IS NULL)
                """);
            BindOffering(insert, offering)
                .With("$request_scope", key?.Scope).With("$request_id", key?.RequestId).With("$request_fingerprint", key?.Fingerprint);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                Fail.NotFound(ResourceNames.Coach(offering.CoachId));
            }

            return new CreateResult<Offering>(offering, true, key?.Fingerprint);
        }
        catch (SqliteException e) when (key is not null && e.IsUniqueViolation())
        {
            using var existing = connection.Command(
                $"SELECT {OfferingColumns}, o.request_fingerprint FROM offerings o WHERE o.request_scope = $scope AND o.request_id = $rid")
                .With("$scope", key.Scope).With("$rid", key.RequestId);
            var rows = await existing.ListAsync(r => (Offering: ReadOffering(r), Fingerprint: r.GetString(16)), cancellationToken);
            return new CreateResult<Offering>(rows[0].Offering, false, rows[0].Fingerprint);
        }
    }

    /// <inheritdoc />
    public async Task<Offering?> GetOfferingAsync(string coachId, string offeringId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await database.Catalog.GetAsync(connection, $"offering|{coachId}|{offeringId}", async c =>
        {
            using var select = c.Command(
                $"""
                 SELECT {OfferingColumns} FROM offerings o JOIN coaches c ON c.id = o.coach_id
                 WHERE o.id = $id AND o.coach_id = $coach AND o.delete_time IS NULL AND c.delete_time IS NULL
                 """).With("$id", offeringId).With("$coach", coachId);
            var rows = await select.ListAsync(ReadOffering, cancellationToken);
            return rows.Count == 0 ? null : rows[0];
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Offering>> ListOfferingsAsync(string coachId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"""
             SELECT {OfferingColumns} FROM offerings o
             WHERE o.coach_id = $coach AND o.id > $after AND o.delete_time IS NULL
             ORDER BY o.id LIMIT $limit
             """).With("$coach", coachId).With("$after", afterId ?? string.Empty).With("$limit", limit);
        return await select.ListAsync(ReadOffering, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Offering>> ListOfferingsOfCoachesAsync(IReadOnlyCollection<string> coachIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"SELECT {OfferingColumns} FROM offerings o WHERE o.coach_id IN (SELECT value FROM json_each($ids)) AND o.delete_time IS NULL ORDER BY o.coach_id, o.id")
            .With("$ids", JsonSerializer.Serialize(coachIds));
        return await select.ListAsync(ReadOffering, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Offering> UpdateOfferingAsync(Offering offering, long expectedVersion, CancellationToken cancellationToken)
    {
        var stored = offering with { Version = checked(expectedVersion + 1) };
        await using var connection = await database.OpenAsync(cancellationToken);
        using var update = connection.Command(
            """
            UPDATE offerings SET title = $title, description = $description, duration_s = $duration, buffer_before_s = $buffer_before,
                buffer_after_s = $buffer_after, minimum_notice_s = $minimum_notice, booking_horizon_s = $booking_horizon,
                daily_cap = $daily_cap, weekly_cap = $weekly_cap, requires_confirmation = $requires_confirmation,
                cancellation_cutoff_s = $cancellation_cutoff, update_time = $update_time, version = $version
            WHERE id = $id AND coach_id = $coach_id AND version = $expected AND delete_time IS NULL
            """);
        BindOffering(update, stored).With("$expected", expectedVersion);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            await SqliteCommands.FailConditionalWriteAsync(connection, null, "offerings", offering.Id, offering.Name, cancellationToken);
        }

        return stored;
    }

    /// <inheritdoc />
    public async Task DeleteOfferingAsync(string coachId, string offeringId, long expectedVersion, Instant now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var delete = connection.Command(
            "UPDATE offerings SET delete_time = $now, update_time = $now, version = version + 1 WHERE id = $id AND coach_id = $coach AND version = $expected AND delete_time IS NULL")
            .With("$id", offeringId).With("$coach", coachId).With("$expected", expectedVersion).With("$now", now);
        if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            await SqliteCommands.FailConditionalWriteAsync(connection, null, "offerings", offeringId, ResourceNames.Offering(coachId, offeringId), cancellationToken);
        }
    }

    private static SqliteCommand BindCoach(SqliteCommand command, Coach coach) => command
        .With("$id", coach.Id).With("$display_name", coach.DisplayName).With("$bio", coach.Bio).With("$email", coach.Email)
        .With("$specialties", JsonSerializer.Serialize(coach.Specialties)).With("$time_zone", coach.TimeZoneId)
        .With("$active", coach.Active).With("$create_time", coach.CreateTime).With("$update_time", coach.UpdateTime)
        .With("$version", coach.Version);

    private static SqliteCommand BindOffering(SqliteCommand command, Offering o) => command
        .With("$id", o.Id).With("$coach_id", o.CoachId).With("$title", o.Title).With("$description", o.Description)
        .With("$duration", o.Duration).With("$buffer_before", o.BufferBefore).With("$buffer_after", o.BufferAfter)
        .With("$minimum_notice", o.MinimumNotice).With("$booking_horizon", o.BookingHorizon).With("$daily_cap", o.DailyCap)
        .With("$weekly_cap", o.WeeklyCap).With("$requires_confirmation", o.RequiresConfirmation)
        .With("$cancellation_cutoff", o.CancellationCutoff).With("$create_time", o.CreateTime).With("$update_time", o.UpdateTime)
        .With("$version", o.Version);

    private static async Task WriteSpecialtiesAsync(SqliteConnection connection, SqliteTransaction transaction, Coach coach, CancellationToken ct)
    {
        foreach (var specialty in coach.Specialties)
        {
            using var insert = connection.Command("INSERT INTO coach_specialties (specialty, coach_id) VALUES ($s, $c)", transaction)
                .With("$s", specialty).With("$c", coach.Id);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    internal static Coach ReadCoach(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        DisplayName = r.GetString(1),
        Bio = r.GetString(2),
        Email = r.GetString(3),
        Specialties = JsonSerializer.Deserialize<List<string>>(r.GetString(4)) ?? [],
        TimeZoneId = r.GetString(5),
        Active = r.GetInt64(6) == 1,
        CreateTime = r.GetInstant(7),
        UpdateTime = r.GetInstant(8),
        Version = r.GetInt64(9),
    };

    internal static Offering ReadOffering(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        CoachId = r.GetString(1),
        Title = r.GetString(2),
        Description = r.GetString(3),
        Duration = r.GetSeconds(4),
        BufferBefore = r.GetSeconds(5),
        BufferAfter = r.GetSeconds(6),
        MinimumNotice = r.GetSeconds(7),
        BookingHorizon = r.GetSeconds(8),
        DailyCap = r.GetInt32(9),
        WeeklyCap = r.GetInt32(10),
        RequiresConfirmation = r.GetInt64(11) == 1,
        CancellationCutoff = r.GetSeconds(12),
        CreateTime = r.GetInstant(13),
        UpdateTime = r.GetInstant(14),
        Version = r.GetInt64(15),
    };
}
