using Coaching.Domain.Common;
using Coaching.Server.Mapping;
using Google.Protobuf.WellKnownTypes;
using NodaTime;
using ProtoDuration = Google.Protobuf.WellKnownTypes.Duration;

namespace Coaching.Server.Tests.Mapping;

public class TimeMappingTests
{
    [Theory]
    [InlineData(0L, 0)]
    [InlineData(1_796_000_000L, 123_456_700)]
    [InlineData(-1L, 999_999_900)]
    [InlineData(253_402_300_799L, 999_999_900)]
    public void Instant_RoundTrips(long seconds, int nanos)
    {
        var timestamp = new Timestamp { Seconds = seconds, Nanos = nanos };

        var instant = TimeMapping.ToInstant(timestamp, "t");

        Assert.Equal(timestamp, TimeMapping.ToTimestamp(instant));
    }

    [Fact]
    public void Instant_IsUtc_ForADstZoneMoment()
    {
        var london = Instant.FromUtc(2026, 3, 29, 1, 30);

        Assert.Equal(DateTime.SpecifyKind(new DateTime(2026, 3, 29, 1, 30, 0), DateTimeKind.Utc), TimeMapping.ToTimestamp(london).ToDateTime());
    }

    [Theory]
    [InlineData(253_402_300_800L, 0)]
    [InlineData(-62_135_596_801L, 0)]
    [InlineData(0L, -1)]
    [InlineData(0L, 1_000_000_000)]
    public void Instant_OutOfRange_InvalidNamingField(long seconds, int nanos)
    {
        var error = Assert.Throws<DomainException>(() => TimeMapping.ToInstant(new Timestamp { Seconds = seconds, Nanos = nanos }, "booking.start_time"));

        Assert.Equal("booking.start_time", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Instant_Missing_IsRequired()
    {
        var error = Assert.Throws<DomainException>(() => TimeMapping.ToInstant(null, "start_time"));

        Assert.Equal("is required", Assert.Single(error.Violations).Description);
    }

    [Fact]
    public void Duration_ConvertsAndRejectsMixedSigns()
    {
        Assert.Equal(NodaTime.Duration.FromMinutes(45), TimeMapping.ToDuration(ProtoDuration.FromTimeSpan(TimeSpan.FromMinutes(45)), "d"));
        Assert.Null(TimeMapping.ToDuration(null, "d"));
        Assert.Throws<DomainException>(() => TimeMapping.ToDuration(new ProtoDuration { Seconds = 1, Nanos = -1 }, "d"));
        Assert.Equal(TimeSpan.FromMinutes(90), TimeMapping.ToProto(NodaTime.Duration.FromMinutes(90)).ToTimeSpan());
    }
}
