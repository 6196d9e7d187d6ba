using Coaching.Domain.Availability;
using NodaTime;

namespace Coaching.Storage.Mongo.Availability;

/// <summary>A coach's weekly schedule in <c>weekly_schedules</c>; the id is the coach id.</summary>
public sealed class ScheduleDocument
{
    public const string Collection = "weekly_schedules";

    public string CoachId { get; set; } = string.Empty;

    public List<WindowDocument> Windows { get; set; } = [];

    public DateTime UpdateTime { get; set; }

    public long Version { get; set; }

    /// <summary>Outbox entries of changes not yet moved into the log (see <c>MongoOutboxStore</c>).</summary>
    public List<Outbox.OutboxEntryDocument>? Outbox { get; set; }

    /// <summary>True while <see cref="Outbox"/> holds entries: the relay's partial index.</summary>
    public bool? OutboxPending { get; set; }

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
