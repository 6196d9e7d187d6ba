using Coaching.Domain.Availability;
using Coaching.Domain.Common;
using NodaTime;
using NodaTime.Text;

namespace Coaching.Storage.Mongo.Availability;

/// <summary>A coach's weekly schedule in <c>weekly_schedules</c>; the id is the coach id.</summary>
public sealed class ScheduleDocument
{
    public const string Collection = "weekly_schedules";

    public string CoachId { get; set; } = string.Empty;

    public List<WindowDocument> Windows { get; set; } = [];

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    public static ScheduleDocument From(WeeklySchedule schedule) => new()
    {
        CoachId = schedule.CoachId,
        Windows = [.. schedule.Windows.Select(w => new WindowDocument { Day = (int)w.Day, Start = w.Window.StartMinute, End = w.Window.EndMinute })],
        UpdateTime = (schedule.UpdateTime ?? Instant.MinValue).ToDateTimeUtc(),
        Version = schedule.Version,
    };

    public WeeklySchedule ToDomain() => new(CoachId,
        [.. Windows.Select(w => new WeeklyWindow((IsoDayOfWeek)w.Day, new DayWindow(w.Start, w.End)))],
        Instant.FromDateTimeUtc(UpdateTime), Version);
}

/// <summary>One window; <see cref="Day"/> is the ISO weekday for weekly windows and 0 inside overrides.</summary>
public sealed class WindowDocument
{
    public int Day { get; set; }

    public int Start { get; set; }

    public int End { get; set; }
}

/// <summary>A date override in <c>date_overrides</c>; dates as ISO strings so string order is date order.</summary>
public sealed class OverrideDocument
{
    public const string Collection = "date_overrides";

    public string Id { get; set; } = string.Empty;

    public string CoachId { get; set; } = string.Empty;

    public string StartDate { get; set; } = string.Empty;

    public string EndDate { get; set; } = string.Empty;

    public int Kind { get; set; }

    public List<WindowDocument> Windows { get; set; } = [];

    public string Reason { get; set; } = string.Empty;

    public DateTime CreateTime { get; set; }

    public string? RequestScope { get; set; }

    public string? RequestId { get; set; }

    public string? RequestFingerprint { get; set; }

    public static string Date(LocalDate date) => LocalDatePattern.Iso.Format(date);

    public static OverrideDocument From(DateOverride o, IdempotencyKey? key) => new()
    {
        Id = o.Id,
        CoachId = o.CoachId,
        StartDate = Date(o.StartDate),
        EndDate = Date(o.EndDate),
        Kind = (int)o.Kind,
        Windows = [.. o.Windows.Select(w => new WindowDocument { Start = w.StartMinute, End = w.EndMinute })],
        Reason = o.Reason,
        CreateTime = o.CreateTime.ToDateTimeUtc(),
        RequestScope = key?.Scope,
        RequestId = key?.RequestId,
        RequestFingerprint = key?.Fingerprint,
    };

    public DateOverride ToDomain() => new()
    {
        Id = Id,
        CoachId = CoachId,
        StartDate = LocalDatePattern.Iso.Parse(StartDate).Value,
        EndDate = LocalDatePattern.Iso.Parse(EndDate).Value,
        Kind = (OverrideKind)Kind,
        Windows = [.. Windows.Select(w => new DayWindow(w.Start, w.End))],
        Reason = Reason,
        CreateTime = Instant.FromDateTimeUtc(CreateTime),
    };
}
