using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Coaching.Domain.Availability;
using Coaching.Domain.Coaches;
using NodaTime;

namespace Coaching.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tools/Coaching.Benchmarks -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(SlotBenchmarks).Assembly).Run(args);
}


/// <summary>
/// Slot computation for a coach with a full weekly schedule over 90 days, with and without 500 bookings,
/// in a DST zone; the ratio between the two shows the cost of busy time (sort once, sweep).
/// </summary>
[MemoryDiagnoser]
public class SlotBenchmarks
{
    private static readonly DateTimeZone London = DateTimeZoneProviders.Tzdb["Europe/London"];
    private static readonly Instant Start = Instant.FromUtc(2027, 3, 1, 0, 0);
    private static readonly Instant End = Start + Duration.FromDays(90);
    private SlotQuery _empty = null!;
    private SlotQuery _busy = null!;

    [Params(45)]
    public int DurationMinutes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var windows = new List<WeeklyWindow>();
        foreach (var day in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
        {
            windows.Add(new WeeklyWindow(day, new DayWindow(9 * 60, (12 * 60) + 30)));
            windows.Add(new WeeklyWindow(day, new DayWindow((13 * 60) + 30, (17 * 60) + 30)));
        }

        windows.Add(new WeeklyWindow(IsoDayOfWeek.Saturday, new DayWindow(10 * 60, 13 * 60)));
        var schedule = new WeeklySchedule("c1", windows, null, 1);
        var offering = Offering.Create("o1", "c1", new OfferingDraft("Career coaching", Duration: Duration.FromMinutes(DurationMinutes),
            BufferBefore: Duration.FromMinutes(10), BufferAfter: Duration.FromMinutes(5), BookingHorizon: Duration.FromDays(365)), Start);

        // 500 bookings spread over the 90 days on weekday mornings and afternoons, in random order.
        var random = new Random(42);
        var busy = new List<BusyInterval>();
        for (var i = 0; i < 500; i++)
        {
            var day = Start.InZone(London).Date.PlusDays(random.Next(90));
            var local = day.At(new LocalTime(9 + random.Next(8), random.Next(4) * 15));
            var start = local.InZoneLeniently(London).ToInstant();
            busy.Add(new BusyInterval(new Interval(start - Duration.FromMinutes(10), start + Duration.FromMinutes(DurationMinutes + 5)), start,
                i % 3 == 0 ? "o1" : "o2"));
        }

        _empty = new SlotQuery(London, schedule, [], offering, []);
        _busy = new SlotQuery(London, schedule, [], offering, busy);
    }

    [Benchmark(Baseline = true)]
    public int NinetyDaysNoBookings() => SlotCalculator.Compute(_empty, Start, End, Start, Duration.FromMinutes(15)).Slots.Count;

    [Benchmark]
    public int NinetyDays500Bookings() => SlotCalculator.Compute(_busy, Start, End, Start, Duration.FromMinutes(15)).Slots.Count;
}
