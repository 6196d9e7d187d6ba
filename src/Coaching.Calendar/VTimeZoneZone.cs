using NodaTime;
using NodaTime.TimeZones;

namespace Coaching.Calendar;

/// <summary>
/// A time zone defined by a calendar's own VTIMEZONE (a TZID that names no IANA zone): the offsets its STANDARD and DAYLIGHT
/// observances switch to, at the onsets their DTSTART, RRULE and RDATE give, expanded over a bounded span.
/// </summary>
internal sealed class VTimeZoneZone : DateTimeZone
{
    private readonly Instant[] _starts;
    private readonly Offset[] _offsets;
    private readonly Offset _before;

    private VTimeZoneZone(string id, Offset before, IReadOnlyList<(Instant Start, Offset Offset)> transitions, Offset min, Offset max)
        : base(id, transitions.Count == 0, min, max)
    {
        _before = before;
        _starts = [.. transitions.Select(t => t.Start)];
        _offsets = [.. transitions.Select(t => t.Offset)];
    }

    /// <summary>A zone from its transitions (any order); before the first, the offset the first came from.</summary>
    public static VTimeZoneZone Create(string id, IEnumerable<(Instant Start, Offset From, Offset To)> onsets)
    {
        var ordered = onsets.OrderBy(t => t.Start).ToList();
        var before = ordered.Count > 0 ? ordered[0].From : Offset.Zero;
        var transitions = ordered.Select(t => (t.Start, t.To)).ToList();
        var all = transitions.Select(t => t.To).Append(before).ToList();
        return new VTimeZoneZone(id, before, transitions, all.Min(), all.Max());
    }

    /// <inheritdoc />
    public override ZoneInterval GetZoneInterval(Instant instant)
    {
        var i = Array.BinarySearch(_starts, instant);
        var index = i >= 0 ? i : ~i - 1;
        if (index < 0)
        {
            return new ZoneInterval(Id, null, _starts.Length > 0 ? _starts[0] : null, _before, Offset.Zero);
        }

        return new ZoneInterval(Id, _starts[index], index + 1 < _starts.Length ? _starts[index + 1] : null, _offsets[index], Offset.Zero);
    }
}
