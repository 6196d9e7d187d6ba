using System.Text.Json;
using Coaching.Domain.Availability;
using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using Coaching.Storage.Sqlite.Outbox;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;

namespace Coaching.Storage.Sqlite.Availability;

/// <summary>
/// Weekly schedules (one row per coach, replaced under a version check) and date overrides in SQLite.
/// Override lookups by coach and date use the (coach_id, start_date, id) and (coach_id, end_date) indexes.
/// </summary>
public sealed class SqliteAvailabilityStore(SqliteDatabase database) : IAvailabilityStore
{
    internal const string OverrideColumns = "id, coach_id, start_date, end_date, kind, windows, reason, create_time";

    /// <inheritdoc />
    public async Task<WeeklySchedule> GetScheduleAsync(string coachId, CancellationToken cancellationToken) =>
        (await GetSchedulesAsync([coachId], cancellationToken)).GetValueOrDefault(coachId) ?? WeeklySchedule.Empty(coachId);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, WeeklySchedule>> GetSchedulesAsync(IReadOnlyCollection<string> coachIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (coachIds.Count == 1)
        {
            // One coach's hours (a booking, a listing): through the catalog cache.
            var coachId = coachIds.First();
            var schedule = await database.Catalog.GetAsync(connection, $"schedule|{coachId}",
                async c => (await ReadSchedulesAsync(c, coachIds, cancellationToken)).FirstOrDefault(), cancellationToken);
            return schedule is null ? new Dictionary<string, WeeklySchedule>() : new Dictionary<string, WeeklySchedule> { [coachId] = schedule };
        }

        return (await ReadSchedulesAsync(connection, coachIds, cancellationToken)).ToDictionary(s => s.CoachId);
    }

    private static async Task<List<WeeklySchedule>> ReadSchedulesAsync(SqliteConnection connection, IReadOnlyCollection<string> coachIds,
        CancellationToken cancellationToken)
    {
        using var select = connection.Command(
            "SELECT coach_id, windows, update_time, version FROM weekly_schedules WHERE coach_id IN (SELECT value FROM json_each($ids))")
            .With("$ids", JsonSerializer.Serialize(coachIds));
        return await select.ListAsync(r => new WeeklySchedule(r.GetString(0), ReadWeekly(r.GetString(1)), r.GetInstant(2), r.GetInt64(3)),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<WeeklySchedule> ReplaceScheduleAsync(WeeklySchedule schedule, long expectedVersion, OutboxEntry changed,
        CancellationToken cancellationToken)
    {
        // Version 0 means "never stored": the insert fails on the primary key if another writer got there first.
        var sql = expectedVersion == 0
            ? "INSERT INTO weekly_schedules (coach_id, windows, update_time, version) VALUES ($coach, $windows, $time, $version) ON CONFLICT DO NOTHING"
            : "UPDATE weekly_schedules SET windows = $windows, update_time = $time, version = $version WHERE coach_id = $coach AND version = $expected";
        var stored = await database.WriteAsync(async (connection, transaction) =>
        {
            using var write = connection.Command(sql, transaction)
                .With("$coach", schedule.CoachId).With("$windows", WriteWeekly(schedule.Windows)).With("$time", schedule.UpdateTime)
                .With("$version", schedule.Version).With("$expected", expectedVersion);
            if (await write.ExecuteNonQueryAsync(CancellationToken.None) == 0)
            {
                return Batched.Discard(false);
            }

            await OutboxRows.AppendAsync(connection, transaction, changed, CancellationToken.None);
            return Batched.Keep(true);
        }, cancellationToken);
        if (!stored)
        {
            Fail.StaleEtag(schedule.Name);
        }

        return schedule;
    }

    /// <inheritdoc />
    public async Task<CreateResult<DateOverride>> CreateOverrideAsync(DateOverride dateOverride, IdempotencyKey? key, OutboxEntry changed,
        CancellationToken cancellationToken)
    {
        var created = await database.WriteAsync(async (connection, transaction) =>
        {
            // The request key is looked up first, so a retry neither fails the batch's transaction nor records a second entry.
            if (key is not null)
            {
                using var existing = connection.Command(
                    $"SELECT {OverrideColumns}, request_fingerprint FROM date_overrides WHERE request_scope = $scope AND request_id = $rid", transaction)
                    .With("$scope", key.Scope).With("$rid", key.RequestId);
                var rows = await existing.ListAsync(r => (Override: ReadOverride(r), Fingerprint: r.GetString(8)), CancellationToken.None);
                if (rows.Count > 0)
                {
                    return Batched.Discard(new CreateResult<DateOverride>(rows[0].Override, false, rows[0].Fingerprint));
                }
            }

            using var insert = connection.Command(
                $"""
                 INSERT INTO date_overrides ({OverrideColumns}, request_scope, request_id, request_fingerprint)
                 VALUES ($id, $coach, $start, $end, $kind, $windows, $reason, $time, $scope, $rid, $fingerprint)
                 """, transaction)
                .With("$id", dateOverride.Id).With("$coach", dateOverride.CoachId)
                .With("$start", Date(dateOverride.StartDate)).With("$end", Date(dateOverride.EndDate))
                .With("$kind", (long)dateOverride.Kind).With("$windows", WriteDay(dateOverride.Windows))
                .With("$reason", dateOverride.Reason).With("$time", dateOverride.CreateTime)
                .With("$scope", key?.Scope).With("$rid", key?.RequestId).With("$fingerprint", key?.Fingerprint);
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
            await OutboxRows.AppendAsync(connection, transaction, changed, CancellationToken.None);
            return Batched.Keep(new CreateResult<DateOverride>(dateOverride, true, key?.Fingerprint));
        }, cancellationToken);
        return created;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DateOverride>> ListOverridesAsync(string coachId, OverrideCursor? after, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"""
             SELECT {OverrideColumns} FROM date_overrides
             WHERE coach_id = $coach AND (start_date, id) > ($after_date, $after_id)
             ORDER BY start_date, id LIMIT $limit
             """)
            .With("$coach", coachId).With("$after_date", after is { } a ? Date(a.StartDate) : string.Empty)
            .With("$after_id", after?.Id ?? string.Empty).With("$limit", limit);
        return await select.ListAsync(ReadOverride, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DateOverride>> ListOverridesCoveringAsync(IReadOnlyCollection<string> coachIds, LocalDate first, LocalDate last,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var select = connection.Command(
            $"""
             SELECT {OverrideColumns} FROM date_overrides
             WHERE coach_id IN (SELECT value FROM json_each($ids)) AND end_date >= $first AND start_date <= $last
             """)
            .With("$ids", JsonSerializer.Serialize(coachIds)).With("$first", Date(first)).With("$last", Date(last));
        return await select.ListAsync(ReadOverride, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteOverrideAsync(string coachId, string overrideId, Announce<DateOverride?> announce, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            using var delete = connection.Command($"DELETE FROM date_overrides WHERE id = $id AND coach_id = $coach RETURNING {OverrideColumns}", transaction)
                .With("$id", overrideId).With("$coach", coachId);
            var gone = await delete.ListAsync(ReadOverride, CancellationToken.None);
            if (gone.Count == 0)
            {
                return Batched.Discard(false);
            }

            await OutboxRows.AppendAsync(connection, transaction, announce(AvailabilityChange.EventType, gone[0]), CancellationToken.None);
            return Batched.Keep(true);
        }, cancellationToken);

    private static string Date(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static LocalDate ParseDate(string text) => LocalDatePattern.Iso.Parse(text).Value;

    private static string WriteWeekly(IReadOnlyList<WeeklyWindow> windows) =>
        JsonSerializer.Serialize(windows.Select(w => new[] { (int)w.Day, w.Window.StartMinute, w.Window.EndMinute }));

    internal static List<WeeklyWindow> ReadWeekly(string json) =>
        [.. JsonSerializer.Deserialize<int[][]>(json)!.Select(a => new WeeklyWindow((IsoDayOfWeek)a[0], new DayWindow(a[1], a[2])))];

    private static string WriteDay(IReadOnlyList<DayWindow> windows) =>
        JsonSerializer.Serialize(windows.Select(w => new[] { w.StartMinute, w.EndMinute }));

    internal static DateOverride ReadOverride(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        CoachId = r.GetString(1),
        StartDate = ParseDate(r.GetString(2)),
        EndDate = ParseDate(r.GetString(3)),
        Kind = (OverrideKind)r.GetInt64(4),
        Windows = [.. JsonSerializer.Deserialize<int[][]>(r.GetString(5))!.Select(a => new DayWindow(a[0], a[1]))],
        Reason = r.GetString(6),
        CreateTime = r.GetInstant(7),
    };
}
