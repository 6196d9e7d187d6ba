using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Tests.Outbox;

/// <summary>A reader of the event log that meets positions written out of order loses none of them, and waits only so long.</summary>
public class LogGapsTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 1, 9, 0);

    private static LoggedEntry Logged(long position) => new(position, new OutboxEntry($"e{position}", "booking.created", "bookings/b", [], [], null, At));

    // Follows a log as a watcher does: read after its position, hand out what is ready, move its position to the last handed out.
    private static long Follow(LogGaps gaps, long position, SortedSet<long> written, Instant now, List<long> handedOut)
    {
        var batch = written.Where(p => p > position).Select(Logged).ToList();
        foreach (var logged in batch.Take(gaps.Ready(position, batch, now)))
        {
            handedOut.Add(logged.Position);
            position = logged.Position;
        }

        return position;
    }

    private static IEnumerable<long[]> Permutations(long[] items) => items.Length <= 1 ? [items]
        : items.SelectMany(first => Permutations([.. items.Where(i => i != first)]).Select(rest => (long[])[first, .. rest]));

    [Fact]
    public void EveryWriteOrderOfSixPositions_IsHandedOutOnceEach_InPositionOrder()
    {
        var orders = Permutations([1, 2, 3, 4, 5, 6]).ToList();
        Assert.Equal(720, orders.Count);
        foreach (var order in orders)
        {
            var gaps = new LogGaps(Duration.FromSeconds(35));
            var written = new SortedSet<long>();
            var handedOut = new List<long>();
            var position = 0L;
            var now = At;
            foreach (var p in order)
            {
                written.Add(p);
                now += Duration.FromMilliseconds(200); // each write lands well within the patience
                position = Follow(gaps, position, written, now, handedOut);
            }

            Assert.Equal([1, 2, 3, 4, 5, 6], handedOut);
        }
    }

    [Fact]
    public void APositionThatNeverFills_IsSteppedOver_OnceThePatienceHasPassed_AndNotBefore()
    {
        var gaps = new LogGaps(Duration.FromSeconds(35));
        var written = new SortedSet<long> { 1, 3, 4 }; // 2 was taken by a writer that died
        var handedOut = new List<long>();

        var position = Follow(gaps, 0, written, At, handedOut);
        Assert.Equal([1], handedOut);
        position = Follow(gaps, position, written, At + Duration.FromSeconds(34), handedOut);
        Assert.Equal([1], handedOut);
        written.Add(5);
        position = Follow(gaps, position, written, At + Duration.FromSeconds(35), handedOut);
        Assert.Equal([1, 3, 4, 5], handedOut);

        // A new gap waits its own patience, from when it was first seen.
        written.Add(7);
        position = Follow(gaps, position, written, At + Duration.FromSeconds(40), handedOut);
        position = Follow(gaps, position, written, At + Duration.FromSeconds(74), handedOut);
        Assert.Equal([1, 3, 4, 5], handedOut);
        Follow(gaps, position, written, At + Duration.FromSeconds(75), handedOut);
        Assert.Equal([1, 3, 4, 5, 7], handedOut);
    }

    [Fact]
    public void WithNoPatience_GapsAreSteppedOverAtOnce()
    {
        var handedOut = new List<long>();

        Follow(new LogGaps(Duration.Zero), 0, [2, 5, 6], At, handedOut);

        Assert.Equal([2, 5, 6], handedOut);
    }
}
