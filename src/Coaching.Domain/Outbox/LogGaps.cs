using NodaTime;

namespace Coaching.Domain.Outbox;

/// <summary>
/// Keeps a reader of the event log from stepping over a position that is taken but not yet written. Where positions are handed
/// out before their entries are written (the MongoDB relay takes a position, then inserts the entry), a reader can see a later
/// entry first; handing that out and moving on would lose the earlier one for good. So a reader stops at a gap and waits for
/// it to fill, but no longer than <paramref name="patience"/>: a position whose writer died stays empty forever (the entry is
/// logged again under a new position), and nobody should wait on it past the time its writer could still be working.
/// </summary>
/// <param name="patience">How long a gap may still fill (<see cref="IOutboxStore.GapPatience"/>); zero steps over at once.</param>
public sealed class LogGaps(Duration patience)
{
    private (long After, Instant Since)? _gap;

    /// <summary>
    /// How many entries of <paramref name="batch"/> (read after <paramref name="position"/>, in position order) may be handed out
    /// now: all up to the first gap, and past a gap only once it has stood open for the patience.
    /// </summary>
    public int Ready(long position, IReadOnlyList<LoggedEntry> batch, Instant now)
    {
        var expected = position + 1;
        for (var i = 0; i < batch.Count; i++)
        {
            var at = batch[i].Position;
            if (at > expected)
            {
                // The gap is (expected - 1, at): the same gap as before if it opens after the same position.
                if (_gap is not { } gap || gap.After != expected - 1)
                {
                    _gap = (expected - 1, now);
                }

                if (now - _gap.Value.Since < patience)
                {
                    return i;
                }

                _gap = null;
            }

            expected = at + 1;
        }

        return batch.Count;
    }
}
