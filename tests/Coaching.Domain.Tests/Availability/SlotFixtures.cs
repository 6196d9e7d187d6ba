using Coaching.Domain.Availability;
using Coaching.Domain.Coaches;
using NodaTime;
using NodaTime.Text;

namespace Coaching.Domain.Tests.Availability;

/// <summary>Small builders for slot tests: schedules, offerings and local-time helpers.</summary>
internal static class SlotFixtures
{
    /// <summary>"Now" for tests that do not test notice: the start of 2026, so a 365-day horizon covers the whole year.</summary>
    public static readonly Instant LongAgo = Instant.FromUtc(2026, 1, 1, 0, 0);

    public static DateTimeZone Zone(string id) => DateTimeZoneProviders.Tzdb[id];

    public static DayWindow Window(string start, string end) => new(Minute(start), Minute(end));

    public static int Minute(string hhmm) => (int.Parse(hhmm[..2], System.Globalization.CultureInfo.InvariantCulture) * 60)
        + int.Parse(hhmm[3..], System.Globalization.CultureInfo.InvariantCulture);

    public static WeeklySchedule Every(string start, string end) =>
        new("c1", [.. Enumerable.Range(1, 7).Select(d => new WeeklyWindow((IsoDayOfWeek)d, Window(start, end)))], null, 1);

    public static WeeklySchedule Weekly(params (IsoDayOfWeek Day, string Start, string End)[] windows) =>
        new("c1", [.. windows.Select(w => new WeeklyWindow(w.Day, Window(w.Start, w.End)))], null, 1);

    public static Offering Offering(int minutes, int bufferBefore = 0, int bufferAfter = 0, int noticeMinutes = 0, int horizonDays = 365,
        int dailyCap = 0, int weeklyCap = 0) =>
        Coaching.Domain.Coaches.Offering.Create("o1", "c1", new OfferingDraft("Coaching", Duration: Duration.FromMinutes(minutes),
            BufferBefore: Duration.FromMinutes(bufferBefore), BufferAfter: Duration.FromMinutes(bufferAfter),
            MinimumNotice: Duration.FromMinutes(noticeMinutes), BookingHorizon: Duration.FromDays(horizonDays),
            DailyCap: dailyCap, WeeklyCap: weeklyCap), LongAgo);

    /// <summary>Slots of one local date (as local wall-clock strings with offsets, for readable assertions).</summary>
    public static List<string> LocalSlots(SlotQuery query, LocalDate date, int stepMinutes, Instant? now = null)
    {
        var from = query.Zone.AtStartOfDay(date).ToInstant();
        var to = query.Zone.AtStartOfDay(date.PlusDays(1)).ToInstant();
        var result = SlotCalculator.Compute(query, from, to, now ?? LongAgo, Duration.FromMinutes(stepMinutes));
        return [.. result.Slots.Select(s => Render(s.InZone(query.Zone)))];
    }

    public static string Render(ZonedDateTime z) => OffsetDateTimePattern.CreateWithInvariantCulture("HH:mmo<m>").Format(z.ToOffsetDateTime());

    public static SlotQuery Query(string zone, WeeklySchedule schedule, Offering offering, IReadOnlyList<DateOverride>? overrides = null,
        IReadOnlyList<BusyInterval>? busy = null) =>
        new(Zone(zone), schedule, overrides ?? [], offering, busy ?? []);
}
