using System.Diagnostics;
using Coaching.Server.Tests.Bookings;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Coaching.Server.Tests.Platform;

/// <summary>With telemetry on, a booking leaves the span tree and the metric increments an operator would look for.</summary>
[Collection(RunsAlone.Name)]
public sealed class TelemetryTests(TelemetryTests.TracedServer server) : IClassFixture<TelemetryTests.TracedServer>
{
    /// <summary>The in-memory server with telemetry on and in-memory exporters.</summary>
    public sealed class TracedServer : ServerFixture
    {
        public List<Activity> Spans { get; } = [];

        public List<Metric> Metrics { get; } = [];

        protected override IWebHostBuilder Configure(IWebHostBuilder web) => web
            .UseSetting("Coaching:Telemetry:Enabled", "true")
            .ConfigureTestServices(services => services.AddOpenTelemetry()
                .WithTracing(t => t.AddInMemoryExporter(Spans))
                .WithMetrics(m => m.AddInMemoryExporter(Metrics)));

        public void Flush()
        {
            Factory.Services.GetRequiredService<TracerProvider>().ForceFlush();
            Factory.Services.GetRequiredService<MeterProvider>().ForceFlush();
        }
    }

    private static long Sum(IEnumerable<Metric> metrics, string name, Func<MetricPoint, bool>? where = null)
    {
        long total = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (where is null || where(point))
                {
                    total += point.GetSumLong();
                }
            }
        }

        return total;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }

    [Fact]
    public async Task ABooking_IsAServerSpan_WithTheStoreCallsBeneathIt_AndCountsOnce_ARefusalCountsItsReason()
    {
        var scenario = await BookingScenario.CreateAsync(server);
        server.Flush();
        server.Spans.Clear();
        server.Metrics.Clear();

        var booking = await scenario.BookAsync("otel-client", BookingScenario.At(2, 10));
        var refused = await Assert.ThrowsAsync<RpcException>(() => scenario.BookAsync("otel-other", BookingScenario.At(2, 10)));
        server.Flush();

        var calls = server.Spans.Where(s => s.Kind == ActivityKind.Server && s.DisplayName.Contains("CreateBooking", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, calls.Count);
        var first = calls.OrderBy(s => s.StartTimeUtc).First();
        var stored = server.Spans.Single(s => s.DisplayName == "store IBookingStore.CreateAsync" && s.TraceId == first.TraceId);
        Assert.Equal("Coaching", stored.Source.Name);
        Assert.Equal("sqlite", stored.GetTagItem("db.system"));
        // Beneath the call: the store span's parent chain reaches the server span.
        var byId = server.Spans.ToDictionary(s => s.SpanId);
        var ancestor = stored;
        while (ancestor.ParentSpanId != default && byId.TryGetValue(ancestor.ParentSpanId, out var parent) && ancestor != first)
        {
            ancestor = parent;
        }

        Assert.Same(first, ancestor);
        // Within the call (to a millisecond: the hosting span and the store span take their start times from different clocks).
        var slack = TimeSpan.FromMilliseconds(1);
        Assert.True(stored.StartTimeUtc >= first.StartTimeUtc - slack && stored.StartTimeUtc + stored.Duration <= first.StartTimeUtc + first.Duration + slack,
            $"store span {stored.StartTimeUtc:O}+{stored.Duration} outside the call {first.StartTimeUtc:O}+{first.Duration}");
        // The reads before the write are spans of the same call too (coach, offering, hours: however many the path makes).
        Assert.True(server.Spans.Count(s => s.TraceId == first.TraceId && s.Source.Name == "Coaching") >= 2);

        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal(1, Sum(server.Metrics, "coaching.bookings.created"));
        Assert.Equal(1, Sum(server.Metrics, "coaching.requests.refused", p => Tag(p, "reason") == "SLOT_UNAVAILABLE"
            && Tag(p, "rpc") == "/coaching.v1.BookingService/CreateBooking"));
        Assert.Contains(server.Metrics, m => m.Name == "coaching.store.duration");
        Assert.NotEmpty(booking.Name);
    }
}

/// <summary>
/// Tests that observe process-wide activity (an in-memory trace exporter sees the spans of every server in the test process) run
/// with no other collection beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "alone";
}
