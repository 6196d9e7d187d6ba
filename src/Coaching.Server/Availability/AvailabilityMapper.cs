using Coaching.Domain.Availability;
using Coaching.Domain.Common;
using Coaching.Server.Mapping;
using NodaTime;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Availability;

/// <summary>Hand-written mapping of schedules, overrides and slots; every zone rendering happens here, visibly.</summary>
internal static class AvailabilityMapper
{
    public static string ParseScheduleName(string? name)
    {
        const string suffix = "/weeklySchedule";
        if (string.IsNullOrEmpty(name) || !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            return Fail.Invalid<string>("name", "must have the form coaches/{coach}/weeklySchedule");
        }

        return ResourceNames.ParseCoach(name[..^suffix.Length], "name");
    }

    public static (string CoachId, string OverrideId) ParseOverrideName(string? name)
    {
        var parts = (name ?? string.Empty).Split('/');
        if (parts.Length != 4 || parts[0] != "coaches" || parts[2] != "dateOverrides" || parts[1].Length == 0 || parts[3].Length == 0)
        {
            return Fail.Invalid<(string, string)>("name", "must have the form coaches/{coach}/dateOverrides/{date_override}");
        }

        return (parts[1], parts[3]);
    }

    public static DateTimeZone? ViewerZone(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        return DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) ?? Fail.Invalid<DateTimeZone>("viewer_time_zone", $"'{Text.Excerpt(id)}' is not an IANA time zone id");
    }

    /// <summary>The view a listing asks for: unset means full; a number the contract does not define is refused.</summary>
    public static Proto.SlotView View(Proto.SlotView view) => view switch
    {
        Proto.SlotView.Unspecified or Proto.SlotView.Full => Proto.SlotView.Full,
        Proto.SlotView.Runs => Proto.SlotView.Runs,
        _ => Fail.Invalid<Proto.SlotView>("view", $"{(int)view} is not a SlotView"),
    };

    public static IReadOnlyList<WindowInput> ToRawWindows(Proto.WeeklySchedule schedule) =>
        [.. schedule.Windows.Select(w => new WindowInput((int)w.Weekday, w.StartTime?.Hours ?? -1, w.StartTime?.Minutes ?? -1, w.EndTime?.Hours ?? -1, w.EndTime?.Minutes ?? -1))];

    public static Proto.WeeklySchedule ToProto(WeeklySchedule schedule, string timeZone) => new()
    {
        Name = schedule.Name,
        TimeZone = timeZone,
        Windows =
        {
            schedule.Windows.Select(w => new Proto.WeeklyWindow
            {
                Weekday = (Proto.Weekday)(int)w.Day,
                StartTime = Time(w.Window.StartMinute),
                EndTime = Time(w.Window.EndMinute),
            }),
        },
        UpdateTime = schedule.UpdateTime is { } t ? TimeMapping.ToTimestamp(t) : null,
        Etag = schedule.Etag,
    };

    public static OverrideDraft ToDraft(Proto.DateOverride? o)
    {
        if (o is null)
        {
            return Fail.Invalid<OverrideDraft>("date_override", "is required");
        }

        return new OverrideDraft(
            o.StartDate is { } s ? (s.Year, s.Month, s.Day) : null,
            o.EndDate is { } e ? (e.Year, e.Month, e.Day) : null,
            o.Kind switch
            {
                Proto.DateOverrideKind.Unavailable => OverrideKind.Unavailable,
                Proto.DateOverrideKind.ReplaceHours => OverrideKind.ReplaceHours,
                _ => 0,
            },
            [.. o.Windows.Select(w => (w.StartTime?.Hours ?? -1, w.StartTime?.Minutes ?? -1, w.EndTime?.Hours ?? -1, w.EndTime?.Minutes ?? -1))],
            o.Reason);
    }

    public static Proto.DateOverride ToProto(DateOverride o) => new()
    {
        Name = o.Name,
        StartDate = Date(o.StartDate),
        EndDate = Date(o.EndDate),
        Kind = o.Kind == OverrideKind.Unavailable ? Proto.DateOverrideKind.Unavailable : Proto.DateOverrideKind.ReplaceHours,
        Windows = { o.Windows.Select(w => new Proto.TimeWindow { StartTime = Time(w.StartMinute), EndTime = Time(w.EndMinute) }) },
        Reason = o.Reason,
        CreateTime = TimeMapping.ToTimestamp(o.CreateTime),
    };

    public static Proto.Slot ToProto(Instant start, Duration duration, DateTimeZone coachZone, DateTimeZone viewerZone) =>
        ToProto([start], duration, coachZone, viewerZone).Single();

    /// <summary>
    /// Every slot of a listing. Messages that repeat are built once and shared, which serialises to the same bytes: the dates,
    /// times of day and offsets a listing shares between hundreds of slots, the end of one slot that is the start of the next, and
    /// the whole coach-zone rendering when the viewer's zone is the coach's.
    /// </summary>
    public static IEnumerable<Proto.Slot> ToProto(IReadOnlyList<Instant> starts, Duration duration, DateTimeZone coachZone, DateTimeZone viewerZone)
    {
        var dates = new Dictionary<LocalDate, Proto.Date>();
        var offsets = new Dictionary<Offset, Google.Protobuf.WellKnownTypes.Duration>();
        var times = new Proto.TimeOfDay?[24 * 60];
        Proto.ZonedDateTime Shared(ZonedDateTime zoned)
        {
            if (!dates.TryGetValue(zoned.Date, out var date))
            {
                dates.Add(zoned.Date, date = Date(zoned.Date));
            }

            if (!offsets.TryGetValue(zoned.Offset, out var offset))
            {
                offsets.Add(zoned.Offset, offset = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(zoned.Offset.ToTimeSpan()));
            }

            // A time of day here is hours and minutes: one of a day's 1,440.
            var minute = (zoned.Hour * 60) + zoned.Minute;
            var time = times[minute] ??= new Proto.TimeOfDay { Hours = zoned.Hour, Minutes = zoned.Minute };
            return new Proto.ZonedDateTime { Date = date, Time = time, UtcOffset = offset, TimeZone = zoned.Zone.Id };
        }

        var sameZone = coachZone.Equals(viewerZone);
        Instant? lastEnd = null;
        Google.Protobuf.WellKnownTypes.Timestamp? lastEndTime = null;
        for (var i = 0; i < starts.Count; i++)
        {
            var start = starts[i];
            var coach = Shared(start.InZone(coachZone));
            var end = start + duration;
            var slot = new Proto.Slot
            {
                StartTime = start == lastEnd ? lastEndTime : TimeMapping.ToTimestamp(start),
                EndTime = TimeMapping.ToTimestamp(end),
                ViewerStart = sameZone ? coach : Shared(start.InZone(viewerZone)),
                CoachStart = coach,
            };
            (lastEnd, lastEndTime) = (end, slot.EndTime);
            yield return slot;
        }
    }

    public static Proto.DayStatus ToProto(DayStatus status) => status switch
    {
        DayStatus.Available => Proto.DayStatus.Available,
        DayStatus.NoHours => Proto.DayStatus.NoHours,
        DayStatus.FullyBooked => Proto.DayStatus.FullyBooked,
        DayStatus.CapReached => Proto.DayStatus.CapReached,
        _ => Proto.DayStatus.Unspecified,
    };

    public static Proto.Date Date(LocalDate date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    private static Proto.TimeOfDay Time(int minuteOfDay) => new() { Hours = minuteOfDay / 60, Minutes = minuteOfDay % 60 };
}
