using System.Collections;
using System.Diagnostics;
using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>
/// A growing list of instants kept as 100-nanosecond ticks since the Unix epoch: 8 bytes each where a NodaTime
/// <see cref="Instant"/> takes 16. The 8,640 quarter-hour starts of a 90-day listing then fit in one array under the
/// large-object heap's 85,000-byte threshold; in a <see cref="List{T}"/> of instants they took 138,240 bytes there, on every
/// call, and only a generation-2 collection reclaims those. Slot starts are whole seconds (a local grid point on a whole minute,
/// less a whole-second offset), so ticks hold them exactly.
/// </summary>
internal sealed class InstantList : IReadOnlyList<Instant>
{
    private long[] _ticks;

    /// <summary>An empty list with room for <paramref name="capacity"/> instants.</summary>
    public InstantList(int capacity = 0) => _ticks = capacity > 0 ? new long[capacity] : [];

    /// <inheritdoc />
    public int Count { get; private set; }

    /// <inheritdoc />
    public Instant this[int index] =>
        index >= 0 && index < Count ? Instant.FromUnixTimeTicks(_ticks[index]) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>Appends an instant, which must be a whole number of ticks.</summary>
    public void Add(Instant instant)
    {
        var ticks = instant.ToUnixTimeTicks();
        Debug.Assert(Instant.FromUnixTimeTicks(ticks) == instant, "Slot starts are whole seconds.");
        if (Count == _ticks.Length)
        {
            Array.Resize(ref _ticks, Math.Max(16, _ticks.Length * 2));
        }

        _ticks[Count++] = ticks;
    }

    /// <summary>Makes room for <paramref name="capacity"/> instants in all, keeping those held.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _ticks.Length)
        {
            Array.Resize(ref _ticks, capacity);
        }
    }

    /// <summary>Empties the list, keeping its room.</summary>
    public void Clear() => Count = 0;

    /// <summary>Sorts the instants held, ascending.</summary>
    public void Sort() => Array.Sort(_ticks, 0, Count);

    /// <inheritdoc />
    public IEnumerator<Instant> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return Instant.FromUnixTimeTicks(_ticks[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
