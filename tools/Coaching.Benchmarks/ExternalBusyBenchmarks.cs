using System.Text;
using BenchmarkDotNet.Attributes;
using Coaching.Calendar;
using Coaching.Domain.Availability;
using Coaching.Domain.Calendar;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.ExternalCalendars;
using Coaching.Domain.Identity;
using Coaching.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Coaching.Benchmarks;

/// <summary>
/// Issue 17's load figure: a 7-day slot listing for a coach whose own calendar holds 5,000 events over a year, against the same
/// listing for a coach with none (the ratio is the figure; the target is within 2x). Also the time to read such a calendar.
/// </summary>
[MemoryDiagnoser]
public class ExternalBusyBenchmarks
{
    private static readonly Caller Admin = new("bench-admin", Role.Admin);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-bench-ext", Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;
    private AvailabilityDesk _availability = null!;
    private (string Coach, string Offering) _plain;
    private (string Coach, string Offering) _busy;
    private string _ics = string.Empty;
    private Instant _from;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _services = new ServiceCollection()
            .AddSingleton<IClock>(SystemClock.Instance)
            .AddSingleton<IIdGenerator, UlidGenerator>()
            .AddSingleton<CoachDesk>()
            .AddSingleton<SlotContextLoader>()
            .AddSingleton<AvailabilityDesk>()
            .AddSingleton<IBusyTimeReader, CommittedTime>()
            .AddSingleton<ICalendarWriter, IcalWriter>()
            .AddSingleton<Coaching.Domain.Outbox.IEventEncoder, Coaching.Server.Outbox.EventEncoder>()
            .AddSqliteStore(_ => new SqliteDatabase(Path.Combine(_directory, "coaching.db")))
            .BuildServiceProvider();
        await _services.GetRequiredService<IStoreInitializer>().InitializeAsync(default);
        _availability = _services.GetRequiredService<AvailabilityDesk>();
        var now = SystemClock.Instance.GetCurrentInstant();
        _from = now.InUtc().Date.PlusDays(2).AtMidnight().InUtc().ToInstant();
        _plain = await CoachAsync("plain");
        _busy = await CoachAsync("busy");

        // 5,000 one-hour events over a year: about 14 a day, on the quarter-hours from 07:00.
        var text = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n");
        for (var i = 0; i < 5000; i++)
        {
            var start = _from + Duration.FromDays(i / 14) + Duration.FromHours(7) + Duration.FromMinutes(45 * (i % 14));
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"BEGIN:VEVENT\r\nUID:e{i}@example.org\r\nDTSTART:{start.InUtc():yyyyMMdd'T'HHmmss'Z'}\r\nDTEND:{(start + Duration.FromMinutes(30)).InUtc():yyyyMMdd'T'HHmmss'Z'}\r\nEND:VEVENT\r\n");
        }

        _ics = text.Append("END:VCALENDAR\r\n").ToString();
        var busy = new IcsBusyReader().Parse(_ics, DateTimeZone.Utc, new Interval(now, now + Duration.FromDays(400)));
        var store = _services.GetRequiredService<ICalendarConnectionStore>();
        var connection = new CalendarConnection
        {
            Id = "bench-connection", CoachId = _busy.Coach, Source = CalendarSource.Ics, SealedUrl = [0], UrlHint = "https://example.org/…",
            Health = ConnectionHealth.Pending, LastAttemptTime = null, LastSuccessTime = null, EventCount = 0, BusyCount = 0, LastError = string.Empty,
            Validator = string.Empty, NextSyncTime = now + Duration.FromDays(1), CreateTime = now,
        };
        await store.CreateAsync(connection, null, default);
        await store.LeaseAsync(_busy.Coach, connection.Id, "bench", now, now + Duration.FromMinutes(1), default);
        await store.RecordAsync(connection with { Health = ConnectionHealth.Healthy, BusyCount = busy.Busy.Count }, "bench", busy.Busy, default);
        await Console.Error.WriteLineAsync($"stored {busy.Busy.Count} busy intervals from {busy.Events} events");
    }

    private async Task<(string Coach, string Offering)> CoachAsync(string name)
    {
        var coaches = _services.GetRequiredService<CoachDesk>();
        var coach = await coaches.CreateCoachAsync(Admin, new CoachDraft(name, Email: $"{name}@example.org", TimeZoneId: "UTC"), name, default);
        var offering = await coaches.CreateOfferingAsync(Admin, coach.Id,
            new OfferingDraft("Career coaching", Duration: Duration.FromMinutes(30), BookingHorizon: Duration.FromDays(365)), $"{name}-offering", default);
        await _availability.UpdateWeeklyScheduleAsync(Admin, coach.Id, [.. Enumerable.Range(1, 7).Select(d => new WindowInput(d, 0, 0, 24, 0))], null, default);
        return (coach.Id, offering.Id);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> ListSlots7Days_NoCalendar() =>
        (await _availability.ListAvailableSlotsAsync(_plain.Coach, _plain.Offering, _from + Duration.FromDays(100), _from + Duration.FromDays(107), default)).Listing.Slots.Count;

    [Benchmark]
    public async Task<int> ListSlots7Days_5000Events() =>
        (await _availability.ListAvailableSlotsAsync(_busy.Coach, _busy.Offering, _from + Duration.FromDays(100), _from + Duration.FromDays(107), default)).Listing.Slots.Count;

    [Benchmark]
    public int Read5000EventCalendar() =>
        new IcsBusyReader().Parse(_ics, DateTimeZone.Utc, new Interval(_from, _from + Duration.FromDays(400))).Busy.Count;

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }
}
