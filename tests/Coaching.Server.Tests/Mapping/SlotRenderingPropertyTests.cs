using Coaching.Server.Availability;
using CsCheck;
using Google.Protobuf;
using NodaTime;

namespace Coaching.Server.Tests.Mapping;

/// <summary>The viewer zone only changes how a slot is rendered: every rendering points back at the same instant.</summary>
public class SlotRenderingPropertyTests
{
    private static readonly string[] Zones = [.. DateTimeZoneProviders.Tzdb.Ids.Where(id => !id.StartsWith("Etc/", StringComparison.Ordinal))];

    [Fact]
    public void Rendering_InAnyTwoZones_DescribesTheSameInstant()
    {
        var gen = Gen.Select(Gen.Long[Instant.FromUtc(2000, 1, 1, 0, 0).ToUnixTimeSeconds() / 300, Instant.FromUtc(2100, 1, 1, 0, 0).ToUnixTimeSeconds() / 300],
            Gen.Int[0, Zones.Length - 1], Gen.Int[0, Zones.Length - 1]);

        gen.Sample((cell, coachIndex, viewerIndex) =>
        {
            var start = Instant.FromUnixTimeSeconds(cell * 300);
            var coach = DateTimeZoneProviders.Tzdb[Zones[coachIndex]];
            var viewer = DateTimeZoneProviders.Tzdb[Zones[viewerIndex]];

            var slot = AvailabilityMapper.ToProto(start, Duration.FromMinutes(45), coach, viewer);

            Assert.Equal(start, Back(slot.ViewerStart));
            Assert.Equal(start, Back(slot.CoachStart));
            Assert.Equal(start, Instant.FromDateTimeOffset(slot.StartTime.ToDateTimeOffset()));
            Assert.Equal(start + Duration.FromMinutes(45), Instant.FromDateTimeOffset(slot.EndTime.ToDateTimeOffset()));
            Assert.Equal(viewer.Id, slot.ViewerStart.TimeZone);
        }, iter: 2000);
    }

    [Fact]
    public void Listing_SharingRepeatedMessages_SerialisesToTheSameBytesAsSlotBySlot()
    {
        var gen = Gen.Select(Gen.Long[Instant.FromUtc(2000, 1, 1, 0, 0).ToUnixTimeSeconds() / 900, Instant.FromUtc(2100, 1, 1, 0, 0).ToUnixTimeSeconds() / 900],
            Gen.Int[1, 400], Gen.Int[0, Zones.Length - 1], Gen.Int[0, Zones.Length - 1], Gen.Bool, Gen.Int[1, 2]);

        gen.Sample((cell, count, coachIndex, viewerIndex, sameZone, quarters) =>
        {
            // Sessions of a quarter-hour share each end with the next start; half-hour ones do not.
            var length = Duration.FromMinutes(15 * quarters);
            // A quarter-hourly run long enough to cross dates and, somewhere in the century, offsets.
            var starts = Enumerable.Range(0, count).Select(k => Instant.FromUnixTimeSeconds((cell + k) * 900)).ToList();
            var coach = DateTimeZoneProviders.Tzdb[Zones[coachIndex]];
            var viewer = sameZone ? coach : DateTimeZoneProviders.Tzdb[Zones[viewerIndex]];

            var shared = new Coaching.Contracts.V1.ListAvailableSlotsResponse { Slots = { AvailabilityMapper.ToProto(starts, length, coach, viewer) } };
            var oneByOne = new Coaching.Contracts.V1.ListAvailableSlotsResponse
            {
                Slots = { starts.Select(s => AvailabilityMapper.ToProto(s, length, coach, viewer)) },
            };

            Assert.Equal(oneByOne.ToByteArray(), shared.ToByteArray());
        }, iter: 300);
    }

    private static Instant Back(Coaching.Contracts.V1.ZonedDateTime z)
    {
        var local = new LocalDateTime(z.Date.Year, z.Date.Month, z.Date.Day, z.Time.Hours, z.Time.Minutes);
        var offset = Offset.FromSeconds((int)z.UtcOffset.Seconds);
        return local.WithOffset(offset).ToInstant();
    }
}
