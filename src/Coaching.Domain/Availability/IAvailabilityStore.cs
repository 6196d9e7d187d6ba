using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// Persistence of weekly schedules and date overrides. Schedules are replaced whole under a version check
/// enforced by the database (an insert for version 0 collides with any concurrent first insert).
/// </summary>
public interface IAvailabilityStore
{
    /// <summary>The coach's schedule, or <see cref="WeeklySchedule.Empty"/> when none was ever stored.</summary>
    Task<WeeklySchedule> GetScheduleAsync(string coachId, CancellationToken cancellationToken);

    /// <summary>Schedules of many coaches in one query; coaches without one are absent.</summary>
    Task<IReadOnlyDictionary<string, WeeklySchedule>> GetSchedulesAsync(IReadOnlyCollection<string> coachIds, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="schedule"/> (whose version is <paramref name="expectedVersion"/> + 1) if the stored version is still the expected one.</summary>
    /// <exception cref="DomainException">ABORTED when the version moved on.</exception>
    Task<WeeklySchedule> ReplaceScheduleAsync(WeeklySchedule schedule, long expectedVersion, OutboxEntry changed, CancellationToken cancellationToken);

    /// <summary>Inserts an override; when <paramref name="key"/> was used before, returns the original.</summary>
    Task<CreateResult<DateOverride>> CreateOverrideAsync(DateOverride dateOverride, IdempotencyKey? key, OutboxEntry changed, CancellationToken cancellationToken);

    /// <summary>A coach's overrides ordered by (start date, id), after the cursor, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DateOverride>> ListOverridesAsync(string coachId, OverrideCursor? after, int limit,
        CancellationToken cancellationToken);

    /// <summary>Every override of the given coaches covering any date in <c>[first, last]</c>, in one query.</summary>
    Task<IReadOnlyList<DateOverride>> ListOverridesCoveringAsync(IReadOnlyCollection<string> coachIds, LocalDate first, LocalDate last,
        CancellationToken cancellationToken);

    /// <summary>Deletes an override; false when there was none.</summary>
    Task<bool> DeleteOverrideAsync(string coachId, string overrideId, Announce<DateOverride?> announce, CancellationToken cancellationToken);
}
