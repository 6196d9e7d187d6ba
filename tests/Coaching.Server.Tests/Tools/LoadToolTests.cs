using Coaching.Cli.Load;
using Coaching.Contracts.V1;
using Grpc.Net.Client;

namespace Coaching.Server.Tests.Tools;

/// <summary>
/// A short run of the load tool (<c>coaching load</c>) against a real server process: every call it drives succeeds, and
/// every booking it counts is stored. Figures are printed, never asserted as times.
/// </summary>
public class LoadToolTests(LoadToolTests.UnlimitedServer fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<LoadToolTests.UnlimitedServer>
{
    [Fact]
    public async Task ShortRun_DrivesEveryCall_WithoutErrors_AndStoresEveryBookingItCounts()
    {
        const int inFlight = 8;
        var settings = new LoadSettings(fixture.Server.Address, Seconds: 1.5, InFlight: inFlight, Coaches: 2,
            (subject, role, coachId) => fixture.Server.Token(subject, role, coachId));
        using var progress = new StringWriter();

        var stats = await new LoadTest(settings, progress).RunAsync(CancellationToken.None);

        foreach (var s in stats)
        {
            output.WriteLine(s.ToString());
        }

        Assert.Equal(["no-op (health Check)", "GetCoach", "ListAvailableSlots 7 days", "ListAvailableSlots 90 days", "ListAvailableSlots 7 d runs",
                "ListAvailableSlots 90 d runs", "no-op again (health Check)", "CreateBooking"],
            stats.Select(s => s.Call));
        Assert.All(stats, s => Assert.True(s.Count > 0 && s.Errors == 0, $"{s.Call}: {s.Count} calls, {s.Errors} errors ({s.FirstError})"));
        Assert.All(stats, s => Assert.True(s.P50 <= s.P99 && s.P99 <= s.Max && s.Rate > 0, s.ToString()));
        // Ratios refer to the faster no-op run.
        Assert.Equal(1.0, Math.Max(stats[0].Ratio, stats[^2].Ratio));
        Assert.All(stats, s => Assert.Equal(s.Rate / Math.Max(stats[0].Rate, stats[^2].Rate), s.Ratio, 9));
        Assert.Contains("CreateBooking", progress.ToString(), StringComparison.Ordinal);

        using var channel = GrpcChannel.ForAddress(fixture.Server.Address);
        var bookings = new BookingService.BookingServiceClient(channel);
        var admin = ServerProcess.Headers(fixture.Server.Token("admin-1", "admin"));
        var stored = 0;
        for (var i = 0; i < inFlight; i++)
        {
            var token = string.Empty;
            do
            {
                var page = await bookings.ListBookingsAsync(new ListBookingsRequest { Client = $"users/load-client-{i}", PageSize = 200, PageToken = token }, admin);
                stored += page.Bookings.Count;
                token = page.NextPageToken;
            }
            while (token.Length > 0);
        }

        // Bookings made while warming up are stored too, but left out of the figures.
        var booking = stats.Single(s => s.Call == "CreateBooking");
        Assert.Equal(booking.Count + booking.WarmUpCalls, stored);
    }

    [Fact]
    public async Task ChosenCalls_RunAfterTheNoOp_AndNothingElse()
    {
        var stats = await RunChosenAsync(seconds: 0.5, inFlight: 4, "runs7", "coach");

        Assert.Equal(["no-op (health Check)", "GetCoach", "ListAvailableSlots 7 d runs", "no-op again (health Check)"], stats.Select(s => s.Call));
        Assert.All(stats, s => Assert.True(s.Count > 0 && s.Errors == 0, $"{s.Call}: {s.Count} calls, {s.Errors} errors ({s.FirstError})"));
    }

    [Fact]
    public async Task AWarmUpOfZero_CountsEveryCall_AndAGivenWarmUpIsDrivenUncounted()
    {
        var cold = await RunChosenAsync(seconds: 0.5, inFlight: 4, warmUp: 0, "coach");
        var warmed = await RunChosenAsync(seconds: 0.5, inFlight: 4, warmUp: 0.5, "coach");

        Assert.All(cold, s => Assert.Equal(0, s.WarmUpCalls));
        Assert.All(warmed, s => Assert.True(s.WarmUpCalls > 0 && s.Count > 0 && s.Errors == 0, s.ToString()));
        // The default: 5 s, but never more than half the window.
        Assert.Equal(TimeSpan.FromSeconds(5), new LoadSettings("http://x", 10, 1, 1, (_, _, _) => "").WarmUpTime);
        Assert.Equal(TimeSpan.FromSeconds(0.75), new LoadSettings("http://x", 1.5, 1, 1, (_, _, _) => "").WarmUpTime);
    }

    [Fact]
    public async Task RunShorterThanOneCall_StillMeasuresEveryCall()
    {
        // A window far shorter than any call: on a slow machine every call of a short run can end after it. The run lasts
        // until each call has been measured at least once rather than reporting percentiles of nothing.
        var stats = await RunChosenAsync(seconds: 0.0001, inFlight: 2, "runs90", "coach");

        Assert.Equal(["no-op (health Check)", "GetCoach", "ListAvailableSlots 90 d runs", "no-op again (health Check)"], stats.Select(s => s.Call));
        Assert.All(stats, s => Assert.True(s.Count > 0 && s.Errors == 0 && s.Rate > 0 && s.P50 > 0 && s.P50 <= s.Max, s.ToString()));
    }

    private Task<IReadOnlyList<CallStats>> RunChosenAsync(double seconds, int inFlight, params string[] calls) =>
        RunChosenAsync(seconds, inFlight, warmUp: null, calls);

    private Task<IReadOnlyList<CallStats>> RunChosenAsync(double seconds, int inFlight, double? warmUp, params string[] calls) =>
        new LoadTest(new LoadSettings(fixture.Server.Address, seconds, inFlight, Coaches: 1,
            (subject, role, coachId) => fixture.Server.Token(subject, role, coachId), new HashSet<string>(calls), warmUp), TextWriter.Null).RunAsync(CancellationToken.None);

    /// <summary>A real server process with rate limits off, as the README says to run one for a load run.</summary>
    public sealed class UnlimitedServer : IAsyncLifetime
    {
        private readonly string _data = Path.Combine(Path.GetTempPath(), "coaching-load", Guid.NewGuid().ToString("N"));
        private ServerProcess? _server;

        public ServerProcess Server => _server ?? throw new InvalidOperationException("Not started.");

        public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(_data, "Information", "Coaching:RateLimits:Enabled=false");

        public async Task DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
