using System.Buffers;
using Coaching.Server.Availability;
using CsCheck;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Proto = Coaching.Contracts.V1;
using ProtoDuration = Google.Protobuf.WellKnownTypes.Duration;
using ProtoTimestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Tests.Mapping;

/// <summary>
/// The slot listing's own encoder against protobuf's serialiser, the oracle: the same bytes for real listings in every zone and
/// for messages no listing would hold (negative numbers, absent parts, long and non-ASCII zone names).
/// </summary>
public class SlotListingWireTests
{
    private static readonly string[] Zones = [.. DateTimeZoneProviders.Tzdb.Ids];

    [Fact]
    public void RealListings_InEveryZone_EncodeAsProtobufDoes()
    {
        var from = Instant.FromUtc(2026, 1, 1, 0, 0);
        foreach (var (id, i) in Zones.Select((id, i) => (id, i)))
        {
            // A year of quarter-hour starts a few hours apart crosses every transition the zone has in 2026.
            var starts = Enumerable.Range(0, 1500).Select(k => from + Duration.FromMinutes(15 * ((k * 23) + (k % 5)))).ToList();
            var viewer = DateTimeZoneProviders.Tzdb[Zones[(i * 7) % Zones.Length]];
            var response = Listing(AvailabilityMapper.ToProto(starts, Duration.FromMinutes(15 * (1 + (i % 4))), DateTimeZoneProviders.Tzdb[id],
                i % 3 == 0 ? DateTimeZoneProviders.Tzdb[id] : viewer));

            Assert.Equal(response.ToByteArray(), SlotListingWire.ToByteArray(response));
        }
    }

    [Fact]
    public void AnySlots_EncodeAsProtobufDoes()
    {
        Gen.Select(Slot.Array[0, 40], Gen.Bool, Gen.Int[0, 3]).Sample((slots, runs, days) =>
        {
            var response = Listing(slots);
            if (runs)
            {
                response.Runs.Add(new Proto.SlotRun { StartTime = new ProtoTimestamp { Seconds = 1_800_000_000 }, Count = 7 });
            }

            response.Days.Add(Enumerable.Range(0, days).Select(d => new Proto.DaySummary { Date = new Proto.Date { Year = 2027, Month = 1, Day = d + 1 } }));
            var wire = SlotListingWire.ToByteArray(response);

            Assert.Equal(response.ToByteArray(), wire);
            Assert.Equal(response, Proto.ListAvailableSlotsResponse.Parser.ParseFrom(wire));
        }, iter: 3000);
    }

    [Fact]
    public void Marshaller_DeclaresTheLengthItWrites_AndLeavesTheResponseAsItWas()
    {
        Gen.Select(Slot.Array[0, 300], Gen.Int[0, 5]).Sample((slots, days) =>
        {
            var response = Listing(slots);
            response.Days.Add(Enumerable.Range(0, days).Select(d => new Proto.DaySummary { Date = new Proto.Date { Year = 2027, Month = 2, Day = d + 1 } }));
            var before = response.Clone();
            var context = new RecordingContext();

            SlotListingWire.Marshaller.ContextualSerializer(response, context);

            Assert.True(context.Completed);
            Assert.Equal(response.ToByteArray(), context.Written.WrittenSpan.ToArray());
            Assert.Equal(context.Written.WrittenCount, context.DeclaredLength);
            Assert.Equal(before, response);
        }, iter: 300);
    }

    [Fact]
    public void EveryFieldOfTheSchema_IsOneTheEncoderWrites()
    {
        var descriptors = new Google.Protobuf.Reflection.MessageDescriptor[]
        {
            Proto.Slot.Descriptor, ProtoTimestamp.Descriptor, Proto.ZonedDateTime.Descriptor, Proto.Date.Descriptor, Proto.TimeOfDay.Descriptor,
            ProtoDuration.Descriptor,
        };

        foreach (var descriptor in descriptors)
        {
            Assert.Equal(descriptor.Fields.InFieldNumberOrder().Select(f => f.FieldNumber), SlotListingWire.KnownFields[descriptor.FullName]);
        }

        // The slots are the response's first field, so the rest written after them is protobuf's own order.
        Assert.Equal(1, Proto.ListAvailableSlotsResponse.Descriptor.Fields.InFieldNumberOrder()[0].FieldNumber);
        Assert.Equal("slots", Proto.ListAvailableSlotsResponse.Descriptor.Fields.InFieldNumberOrder()[0].Name);
    }

    private static Proto.ListAvailableSlotsResponse Listing(IEnumerable<Proto.Slot> slots) => new()
    {
        Slots = { slots },
        CoachTimeZone = "Europe/London",
        SlotStep = new ProtoDuration { Seconds = 900 },
        SessionDuration = new ProtoDuration { Seconds = 2700 },
    };

    private static readonly Gen<int> AnyInt = Gen.OneOf(Gen.Int, Gen.Int[-2, 200], Gen.Const(int.MinValue), Gen.Const(int.MaxValue));

    private static readonly Gen<long> AnyLong = Gen.OneOf(Gen.Long, Gen.Long[-2, 5_000_000_000], Gen.Const(long.MinValue), Gen.Const(long.MaxValue));

    private static readonly Gen<ProtoTimestamp?> Timestamp = Gen.Frequency(
        (1, Gen.Const((ProtoTimestamp?)null)),
        (6, Gen.Select(AnyLong, AnyInt, (seconds, nanos) => (ProtoTimestamp?)new ProtoTimestamp { Seconds = seconds, Nanos = nanos })));

    private static readonly Gen<string> ZoneName = Gen.OneOf(
        Gen.Const(string.Empty), Gen.Int[0, Zones.Length - 1].Select(i => Zones[i]), Gen.String, Gen.Const(new string('é', 90)), Gen.Const("Zone/🕰️"));

    private static readonly Gen<Proto.ZonedDateTime?> Zoned = Gen.Frequency(
        (1, Gen.Const((Proto.ZonedDateTime?)null)),
        (6, Gen.Select(
            Gen.Select(AnyInt, AnyInt, AnyInt, Gen.Bool, (y, m, d, absent) => absent ? null : new Proto.Date { Year = y, Month = m, Day = d }),
            Gen.Select(AnyInt, AnyInt, Gen.Bool, (h, m, absent) => absent ? null : new Proto.TimeOfDay { Hours = h, Minutes = m }),
            Gen.Select(AnyLong, AnyInt, Gen.Bool, (s, n, absent) => absent ? null : new ProtoDuration { Seconds = s, Nanos = n }),
            ZoneName,
            (date, time, offset, zone) => (Proto.ZonedDateTime?)new Proto.ZonedDateTime { Date = date, Time = time, UtcOffset = offset, TimeZone = zone })));

    private static readonly Gen<Proto.Slot> Slot = Gen.Select(Timestamp, Timestamp, Zoned, Zoned, Gen.Bool, (start, end, viewer, coach, shared) =>
        new Proto.Slot { StartTime = start, EndTime = end, ViewerStart = viewer, CoachStart = shared ? viewer : coach });

    /// <summary>A serialisation context that keeps what the marshaller declares and writes.</summary>
    private sealed class RecordingContext : SerializationContext
    {
        public ArrayBufferWriter<byte> Written { get; } = new();

        public int DeclaredLength { get; private set; } = -1;

        public bool Completed { get; private set; }

        public override void SetPayloadLength(int payloadLength) => DeclaredLength = payloadLength;

        public override IBufferWriter<byte> GetBufferWriter() => Written;

        public override void Complete() => Completed = true;
    }
}

/// <summary>The running server answers ListAvailableSlots over gRPC through the listing's encoder, and every other call as generated.</summary>
[Collection(UsesServer.Name)]
public class SlotListingBindingTests(ServerFixture server) : ServerTest(server)
{
    [Fact]
    public void ListAvailableSlots_AnswersThroughTheListingEncoder_OtherCallsThroughProtobuf()
    {
        // The gRPC routes; JSON transcoding's routes for the same methods carry the same metadata.
        var methods = server.Factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith($"/{Proto.AvailabilityService.Descriptor.FullName}/", StringComparison.Ordinal) == true)
            .Select(e => e.Metadata.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>()?.Method)
            .OfType<IMethod>()
            .Where(m => m.ServiceName == Proto.AvailabilityService.Descriptor.FullName)
            .ToList();

        var listing = Assert.Single(methods.OfType<Method<Proto.ListAvailableSlotsRequest, Proto.ListAvailableSlotsResponse>>());
        Assert.Same(SlotListingWire.Marshaller, listing.ResponseMarshaller);
        var schedule = Assert.Single(methods.OfType<Method<Proto.GetWeeklyScheduleRequest, Proto.WeeklySchedule>>());
        Assert.NotSame(SlotListingWire.Marshaller, (object)schedule.ResponseMarshaller);
        Assert.Equal(Proto.AvailabilityService.Descriptor.Methods.Count, methods.Select(m => m.Name).Distinct().Count());
    }
}
