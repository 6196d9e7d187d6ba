using BenchmarkDotNet.Attributes;
using Coaching.Calendar;
using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Identity;
using Coaching.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Coaching.Benchmarks;

/// <summary>
/// The request paths behind GetCoach, ListAvailableSlots (7 days) and CreateBooking, through the real use cases on the embedded
/// store (<c>synchronous=FULL</c>), with 1,000 and 100,000 bookings already stored: time and allocated bytes per call, which
/// must not grow with the data. One booking per call means each CreateBooking waits for its own commit (no other writer
/// to share a batch with), so its time here is the single-caller latency, not the throughput the load tool measures.
/// </summary>
[MemoryDiagnoser]
public class BookingPathBenchmarks
{
    private static readonly Caller Admin = new("bench-admin", Role.Admin);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coaching-bench", Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;
    private CoachDesk _coaches = null!;
    private AvailabilityDesk _availability = null!;
    private BookingDesk _bookings = null!;
    private List<(string Coach, string Offering)> _benchCoaches = null!;
    private Instant _from;
    private long _next;

    [Params(1_000, 100_000)]
    public int StoredBookings { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var services = new ServiceCollection()
            .AddSingleton<IClock>(SystemClock.Instance)
            .AddSingleton<IIdGenerator, UlidGenerator>()
            .AddSingleton<CoachDesk>()
            .AddSingleton<SlotContextLoader>()
            .AddSingleton<AvailabilityDesk>()
            .AddSingleton<BookingDesk>()
            .AddSingleton<IBusyTimeReader, CommittedTime>()
            .AddSingleton<ICalendarWriter, IcalWriter>()
            .AddSingleton<Coaching.Domain.Outbox.IEventEncoder, Coaching.Server.Outbox.EventEncoder>()
            .AddSqliteStore(_ => new SqliteDatabase(Path.Combine(_directory, "coaching.db")));
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<IStoreInitializer>().InitializeAsync(default);
        _coaches = _services.GetRequiredService<CoachDesk>();
        _availability = _services.GetRequiredService<AvailabilityDesk>();
        _bookings = _services.GetRequiredService<BookingDesk>();
        _from = SystemClock.Instance.GetCurrentInstant().InUtc().Date.PlusDays(2).AtMidnight().InUtc().ToInstant();

        // The stored bookings sit on coaches of their own, 20,000 per coach (under a year of quarter-hours), made 32 at a time.
        var seeders = new List<(string Coach, string Offering)>();
        for (var c = 0; c < (StoredBookings + 19_999) / 20_000; c++)
        {
            seeders.Add(await CoachAsync($"seed-{c}"));
        }

        var made = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, StoredBookings), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var (coach, offering) = seeders[i / 20_000];
            await _bookings.CreateAsync(new Caller($"seed-client-{i % 500}", Role.Client),
                new BookingRequest(coach, offering, _from + Duration.FromMinutes(15L * (i % 20_000)), null, null), $"seed-{i}", ct);
            if (Interlocked.Increment(ref made) % 10_000 == 0)
            {
                await Console.Error.WriteLineAsync($"seeded {made}/{StoredBookings} bookings");
            }
        });

        _benchCoaches = [];
        for (var c = 0; c < 8; c++)
        {
            _benchCoaches.Add(await CoachAsync($"bench-{c}"));
        }
    }

    private async Task<(string Coach, string Offering)> CoachAsync(string name)
    {
        var coach = await _coaches.CreateCoachAsync(Admin, new CoachDraft(name, Email: $"{name}@example.org", TimeZoneId: "Europe/London"), name, default);
        var offering = await _coaches.CreateOfferingAsync(Admin, coach.Id,
            new OfferingDraft("Career coaching", Duration: Duration.FromMinutes(15), BookingHorizon: Duration.FromDays(365)), $"{name}-offering", default);
        await _availability.UpdateWeeklyScheduleAsync(Admin, coach.Id, [.. Enumerable.Range(1, 7).Select(d => new WindowInput(d, 0, 0, 24, 0))], null, default);
        return (coach.Id, offering.Id);
    }

    [Benchmark]
    public Task<Coach> GetCoach() => _coaches.GetCoachAsync(_benchCoaches[0].Coach, default);

    [Benchmark]
    public async Task<int> ListSlots7Days()
    {
        var (coach, offering) = _benchCoaches[1];
        return (await _availability.ListAvailableSlotsAsync(coach, offering, _from + Duration.FromDays(300), _from + Duration.FromDays(307), default))
            .Listing.Slots.Count;
    }

    [Benchmark]
    public Task<Booking> CreateBooking()
    {
        var i = Interlocked.Increment(ref _next);
        var (coach, offering) = _benchCoaches[(int)(i % 8)];
        return _bookings.CreateAsync(new Caller($"bench-client-{i % 64}", Role.Client),
            new BookingRequest(coach, offering, _from + Duration.FromMinutes(15 * (i / 8)), null, null), $"bench-{StoredBookings}-{i}", default);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>The invite every confirmed booking stores: one iTIP REQUEST written with Ical.Net (time and allocations per invite).</summary>
[MemoryDiagnoser]
public class InviteBenchmarks
{
    private static readonly SessionEntry Entry = new("01jbench0000000000000000@coaching", 0, Instant.FromUtc(2027, 3, 1, 9, 0),
        Instant.FromUtc(2027, 3, 1, 9, 45), "Career coaching with Ada Lovelace", "Agenda: CV review", "Ada Lovelace", "ada@example.org",
        "Grace Hopper", "grace@example.org", SessionStatus.Confirmed, Instant.FromUtc(2026, 11, 30, 8, 0));

    private readonly IcalWriter _writer = new();

    [Benchmark]
    public int WriteInvite() => _writer.WriteInvite(InviteMethod.Request, Entry).Length;
}
