using System.Buffers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Proto = Coaching.Contracts.V1;
using ProtoDuration = Google.Protobuf.WellKnownTypes.Duration;
using ProtoTimestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Availability;

/// <summary>
/// The binary encoding of a slot listing, written in one pass over its slots. It gives exactly the bytes protobuf's own
/// serialiser gives (tests compare the two), without its cost: protobuf measures a nested message again at every level it is
/// written (a slot's date four times) and dispatches every field through an interface, which was a third of the server's time
/// for a 90-day listing. Only the slots are written here; the rest of the response follows through protobuf, and since a slot is
/// field 1, the concatenation is the order protobuf itself writes.
/// </summary>
/// <remarks>
/// The slot, timestamp, zoned time, date, time-of-day and duration messages are written field by field as
/// <c>common.proto</c> and <c>availability.proto</c> define them; <see cref="KnownFields"/> lists the fields this encoder
/// writes, and a test fails when the schema has a field it does not. The server builds these messages itself, so they carry no
/// unknown fields.
/// </remarks>
internal static class SlotListingWire
{
    private const int SlotsField = 1;

    /// <summary>The response marshaller for <c>ListAvailableSlots</c>: this encoding out, protobuf's parser in.</summary>
    public static readonly Marshaller<Proto.ListAvailableSlotsResponse> Marshaller = Marshallers.Create(
        (Proto.ListAvailableSlotsResponse response, SerializationContext context) =>
        {
            var rest = Rest(response);
            var slots = new Buffer();
            try
            {
                WriteSlots(response.Slots, ref slots);
                context.SetPayloadLength(slots.Length + rest.CalculateSize());
                var writer = context.GetBufferWriter();
                writer.Write(slots.Written);
                rest.WriteTo(writer);
                context.Complete();
            }
            finally
            {
                slots.Return();
            }
        },
        (DeserializationContext context) => Proto.ListAvailableSlotsResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    /// <summary>Every field of every message this encoder writes, by message name: what the schema is checked against.</summary>
    public static readonly IReadOnlyDictionary<string, int[]> KnownFields = new Dictionary<string, int[]>
    {
        [Proto.Slot.Descriptor.FullName] = [1, 2, 3, 4],
        [ProtoTimestamp.Descriptor.FullName] = [1, 2],
        [Proto.ZonedDateTime.Descriptor.FullName] = [1, 2, 3, 4],
        [Proto.Date.Descriptor.FullName] = [1, 2, 3],
        [Proto.TimeOfDay.Descriptor.FullName] = [1, 2],
        [ProtoDuration.Descriptor.FullName] = [1, 2],
    };

    /// <summary>The whole response in this encoding (what the marshaller sends).</summary>
    public static byte[] ToByteArray(Proto.ListAvailableSlotsResponse response)
    {
        var slots = new Buffer();
        try
        {
            WriteSlots(response.Slots, ref slots);
            var writer = new ArrayBufferWriter<byte>();
            writer.Write(slots.Written);
            Rest(response).WriteTo(writer);
            return writer.WrittenSpan.ToArray();
        }
        finally
        {
            slots.Return();
        }
    }

    /// <summary>The response without its slots: a shallow copy, so the caller's message is left as it was.</summary>
    private static Proto.ListAvailableSlotsResponse Rest(Proto.ListAvailableSlotsResponse response)
    {
        var rest = new Proto.ListAvailableSlotsResponse
        {
            CoachTimeZone = response.CoachTimeZone,
            SlotStep = response.SlotStep,
            SessionDuration = response.SessionDuration,
        };
        rest.Days.AddRange(response.Days);
        rest.Runs.AddRange(response.Runs);
        return rest;
    }

    /// <summary>
    /// Writes each slot as field 1 in one pass. A nested message's body is written first, one byte after its tag, and its
    /// length put in that byte; a body of 128 bytes or more (a zone name that long) is moved along to make room for a longer
    /// length. When the viewer's rendering is the coach's (one shared message), its bytes are copied under the other tag.
    /// </summary>
    private static void WriteSlots(Google.Protobuf.Collections.RepeatedField<Proto.Slot> slots, ref Buffer buffer)
    {
        var zones = new ZoneNames();
        for (var i = 0; i < slots.Count; i++)
        {
            var slot = slots[i];
            var span = buffer.Reserve(MaxSlotSize(slot));
            var at = buffer.Length;
            span[at] = LengthTag(SlotsField);
            var body = at + 2;
            at = body;
            if (slot.StartTime is { } start)
            {
                at = WriteTimestamp(span, at, 1, start);
            }

            if (slot.EndTime is { } end)
            {
                at = WriteTimestamp(span, at, 2, end);
            }

            var viewerAt = at;
            if (slot.ViewerStart is { } viewer)
            {
                at = WriteZoned(span, at, 3, viewer, zones);
            }

            if (slot.CoachStart is { } coach)
            {
                if (ReferenceEquals(coach, slot.ViewerStart))
                {
                    span[viewerAt..at].CopyTo(span[at..]);
                    span[at] = LengthTag(4);
                    at += at - viewerAt;
                }
                else
                {
                    at = WriteZoned(span, at, 4, coach, zones);
                }
            }

            buffer.Length = EndNested(span, body, at);
        }
    }

    // Room for a slot whatever it holds: tags, lengths and ten-byte varints everywhere, and each zone name at three bytes a char.
    private static int MaxSlotSize(Proto.Slot slot) =>
        512 + (3 * ((slot.ViewerStart?.TimeZone.Length ?? 0) + (slot.CoachStart?.TimeZone.Length ?? 0)));

    private static int EndNested(Span<byte> span, int body, int end)
    {
        var length = end - body;
        if (length < 0x80)
        {
            span[body - 1] = (byte)length;
            return end;
        }

        var extra = VarintSize((uint)length) - 1;
        span[body..end].CopyTo(span[(body + extra)..]);
        Varint(span, body - 1, (uint)length);
        return end + extra;
    }

    private static int WriteTimestamp(Span<byte> span, int at, int field, ProtoTimestamp t)
    {
        span[at++] = LengthTag(field);
        span[at++] = (byte)(Int64Size(1, t.Seconds) + Int32Size(1, t.Nanos));
        at = WriteInt64(span, at, 1, t.Seconds);
        return WriteInt32(span, at, 2, t.Nanos);
    }

    private static int WriteZoned(Span<byte> span, int at, int field, Proto.ZonedDateTime z, ZoneNames zones)
    {
        span[at] = LengthTag(field);
        var body = at + 2;
        at = body;
        if (z.Date is { } date)
        {
            span[at++] = LengthTag(1);
            span[at++] = (byte)(Int32Size(1, date.Year) + Int32Size(1, date.Month) + Int32Size(1, date.Day));
            at = WriteInt32(span, at, 1, date.Year);
            at = WriteInt32(span, at, 2, date.Month);
            at = WriteInt32(span, at, 3, date.Day);
        }

        if (z.Time is { } time)
        {
            span[at++] = LengthTag(2);
            span[at++] = (byte)(Int32Size(1, time.Hours) + Int32Size(1, time.Minutes));
            at = WriteInt32(span, at, 1, time.Hours);
            at = WriteInt32(span, at, 2, time.Minutes);
        }

        if (z.UtcOffset is { } offset)
        {
            span[at++] = LengthTag(3);
            span[at++] = (byte)(Int64Size(1, offset.Seconds) + Int32Size(1, offset.Nanos));
            at = WriteInt64(span, at, 1, offset.Seconds);
            at = WriteInt32(span, at, 2, offset.Nanos);
        }

        if (z.TimeZone.Length > 0)
        {
            var name = zones.Utf8(z.TimeZone);
            span[at++] = LengthTag(4);
            at = Varint(span, at, (uint)name.Length);
            name.CopyTo(span[at..]);
            at += name.Length;
        }

        return EndNested(span, body, at);
    }

    // Proto3 scalars: a zero is not written; a negative int32 is written as its 64-bit two's complement (ten bytes).
    private static int Int32Size(int tagSize, int value) => value == 0 ? 0 : tagSize + (value < 0 ? 10 : VarintSize((uint)value));

    private static int Int64Size(int tagSize, long value) => value == 0 ? 0 : tagSize + VarintSize(unchecked((ulong)value));

    private static int WriteInt32(Span<byte> span, int at, int field, int value)
    {
        if (value == 0)
        {
            return at;
        }

        span[at++] = VarintTag(field);
        return Varint(span, at, unchecked((ulong)(long)value));
    }

    private static int WriteInt64(Span<byte> span, int at, int field, long value)
    {
        if (value == 0)
        {
            return at;
        }

        span[at++] = VarintTag(field);
        return Varint(span, at, unchecked((ulong)value));
    }

    // Field numbers here are all below 16, so a tag is one byte: the number, then wire type 0 (varint) or 2 (length-delimited).
    private static byte VarintTag(int field) => (byte)(field << 3);

    private static byte LengthTag(int field) => (byte)((field << 3) | 2);

    private static int VarintSize(ulong value) => value == 0 ? 1 : (70 - System.Numerics.BitOperations.LeadingZeroCount(value)) / 7;

    private static int Varint(Span<byte> span, int at, ulong value)
    {
        while (value >= 0x80)
        {
            span[at++] = unchecked((byte)(value | 0x80));
            value >>= 7;
        }

        span[at++] = (byte)value;
        return at;
    }

    /// <summary>A growing byte buffer rented from the shared pool.</summary>
    private struct Buffer
    {
        private byte[]? _array;

        /// <summary>Bytes written so far.</summary>
        public int Length { get; set; }

        public readonly ReadOnlySpan<byte> Written => _array.AsSpan(0, Length);

        /// <summary>The whole buffer, with at least <paramref name="room"/> bytes after <see cref="Length"/>.</summary>
        public Span<byte> Reserve(int room)
        {
            if (_array is null || _array.Length - Length < room)
            {
                var grown = ArrayPool<byte>.Shared.Rent(Math.Max(Length + room, Math.Max(4096, (_array?.Length ?? 0) * 2)));
                Written.CopyTo(grown);
                Return();
                _array = grown;
            }

            return _array;
        }

        public void Return()
        {
            if (_array is not null)
            {
                ArrayPool<byte>.Shared.Return(_array);
                _array = null;
            }
        }
    }

    /// <summary>UTF-8 of the zone names of one listing; a listing names one or two zones, so the last two are kept.</summary>
    private sealed class ZoneNames
    {
        private string? _first;
        private byte[] _firstBytes = [];
        private string? _second;
        private byte[] _secondBytes = [];

        public ReadOnlySpan<byte> Utf8(string name)
        {
            if (ReferenceEquals(name, _first))
            {
                return _firstBytes;
            }

            if (ReferenceEquals(name, _second))
            {
                return _secondBytes;
            }

            (_second, _secondBytes) = (_first, _firstBytes);
            (_first, _firstBytes) = (name, Encoding.UTF8.GetBytes(name));
            return _firstBytes;
        }
    }
}
