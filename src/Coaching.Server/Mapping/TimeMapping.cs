using Coaching.Domain.Common;
using NodaTime;
using ProtoDuration = Google.Protobuf.WellKnownTypes.Duration;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Coaching.Server.Mapping;

/// <summary>
/// The one mapper between wire time and NodaTime. Timestamps are validated against the protobuf range
/// (0001-01-01..9999-12-31, nanos 0..999,999,999); durations must have consistent signs.
/// </summary>
public static class TimeMapping
{
    private const long MinSeconds = -62_135_596_800L;
    private const long MaxSeconds = 253_402_300_799L;

    public static Timestamp ToTimestamp(Instant instant)
    {
        var ticks = instant.ToUnixTimeTicks();
        var seconds = Math.DivRem(ticks, NodaConstants.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += NodaConstants.TicksPerSecond;
        }

        return new Timestamp { Seconds = seconds, Nanos = (int)(remainder * NodaConstants.NanosecondsPerTick) };
    }

    /// <summary>Converts a required timestamp.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on <paramref name="field"/> when missing or out of range.</exception>
    public static Instant ToInstant(Timestamp? timestamp, string field)
    {
        if (timestamp is null)
        {
            return Fail.Invalid<Instant>(field, "is required");
        }

        if (timestamp.Seconds is < MinSeconds or > MaxSeconds || timestamp.Nanos is < 0 or > 999_999_999)
        {
            return Fail.Invalid<Instant>(field, "is not a valid timestamp (years 1..9999, nanos 0..999999999)");
        }

        return Instant.FromUnixTimeSeconds(timestamp.Seconds).PlusNanoseconds(timestamp.Nanos);
    }

    public static ProtoDuration ToProto(Duration duration) => ProtoDuration.FromTimeSpan(duration.ToTimeSpan());

    /// <summary>Converts an optional duration (null when unset).</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on <paramref name="field"/> when malformed.</exception>
    public static Duration? ToDuration(ProtoDuration? duration, string field)
    {
        if (duration is null)
        {
            return null;
        }

        var consistentSigns = (duration.Seconds >= 0 && duration.Nanos >= 0) || (duration.Seconds <= 0 && duration.Nanos <= 0);
        if (duration.Nanos is < -999_999_999 or > 999_999_999 || !consistentSigns
            || duration.Seconds is < -315_576_000_000L or > 315_576_000_000L)
        {
            return Fail.Invalid<Duration?>(field, "is not a valid duration");
        }

        return Duration.FromSeconds(duration.Seconds) + Duration.FromNanoseconds(duration.Nanos);
    }
}
