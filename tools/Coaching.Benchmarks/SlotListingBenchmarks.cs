using BenchmarkDotNet.Attributes;
using Coaching.Domain.Availability;
using Coaching.Domain.Coaches;
using Coaching.Server.Availability;
using Google.Protobuf;
using NodaTime;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Benchmarks;

/// <summary>
/// What the server does for a full-view ListAvailableSlots once the store has answered, for a coach open all week with
/// 15-minute sessions (the load tool's world): compute the slots, build the messages, and encode them, through the listing's
/// own encoder (as the server sends them) and through protobuf's serialiser (the oracle, for comparison). Time and allocated
/// bytes per call for 7 and 90 days.
/// </summary>
[MemoryDiagnoser]
public class SlotListingBenchmarks
{
    private static readonly DateTimeZone London = DateTimeZoneProviders.Tzdb["Europe/London"];
    private static readonly Instant Start = Instant.FromUtc(2027, 3, 1, 0, 0);
    private SlotQuery _query = null!;
    private Proto.ListAvailableSlotsResponse _built = null!;

    [Params(7, 90)]
    public int Days { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var windows = Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None).Select(d => new WeeklyWindow(d, new DayWindow(0, 24 * 60))).ToList();
        var offering = Offering.Create("o1", "c1", new OfferingDraft("Load session", Duration: Duration.FromMinutes(15),
            BookingHorizon: Duration.FromDays(365)), Start);
        _query = new SlotQuery(London, new WeeklySchedule("c1", windows, null, 1), [], offering, []);
        _built = Build();
    }

    private readonly Output _output = new();

    /// <summary>Slots computed, messages built, bytes written as the server's marshaller writes them: the server's share of the call.</summary>
    [Benchmark(Baseline = true)]
    public int ComputeBuildEncode() => Send(Build());

    [Benchmark]
    public int ComputeOnly() => SlotCalculator.Compute(_query, Start, Start + Duration.FromDays(Days), Start, Duration.FromMinutes(15)).Slots.Count;

    [Benchmark]
    public int EncodeOnly() => Send(_built);

    [Benchmark]
    public int EncodeOnlyWithProtobuf()
    {
        _output.Written.ResetWrittenCount();
        _built.WriteTo(_output.Written);
        return _output.Written.WrittenCount;
    }

    private int Send(Proto.ListAvailableSlotsResponse response)
    {
        _output.Written.ResetWrittenCount();
        SlotListingWire.Marshaller.ContextualSerializer(response, _output);
        return _output.Written.WrittenCount;
    }

    private Proto.ListAvailableSlotsResponse Build()
    {
        var listing = SlotCalculator.Compute(_query, Start, Start + Duration.FromDays(Days), Start, Duration.FromMinutes(15));
        var response = new Proto.ListAvailableSlotsResponse { CoachTimeZone = London.Id };
        response.Slots.Capacity = listing.Slots.Count;
        response.Slots.AddRange(AvailabilityMapper.ToProto(listing.Slots, Duration.FromMinutes(15), London, London));
        return response;
    }

    /// <summary>Where the marshaller writes: one buffer, reused, as a transport's would be.</summary>
    private sealed class Output : Grpc.Core.SerializationContext
    {
        public System.Buffers.ArrayBufferWriter<byte> Written { get; } = new(1 << 20);

        public override void SetPayloadLength(int payloadLength)
        {
        }

        public override System.Buffers.IBufferWriter<byte> GetBufferWriter() => Written;

        public override void Complete()
        {
        }
    }
}
