using Coaching.Domain.Bookings;
using Coaching.Domain.Common;
using Coaching.Storage.Contract;
using Coaching.Storage.Sqlite.Bookings;
using Coaching.Storage.Sqlite.Coaches;
using NodaTime;
using NodaTime.Testing;

namespace Coaching.Storage.Sqlite.Tests;

/// <summary>
/// Bookings that share one group commit judge each other exactly as separate transactions would: inside the batch, a later
/// write sees the earlier ones' claims, cap seats and request ids (no double booking, no cap overrun, a retry gets the
/// original), and only what was kept is stored.
/// </summary>
public sealed class BatchedBookingTests : IAsyncLifetime
{
    private static readonly Instant Nine = Instant.FromUtc(2026, 12, 7, 9, 0);
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 11, 29, 9, 0));
    private readonly TempDatabase _file = new();
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync() => _database = await _file.CreateAsync();

    [Fact]
    public async Task InOneBatch_TheSecondClaimOfASlotARetryAndACapOverrun_AreRefusedAsAlone()
    {
        var coaches = new SqliteCoachStore(_database);
        var bookings = new SqliteBookingStore(_database);
        var (coach, offering) = await Commitments.SeedCoachAsync(coaches, _clock, dailyCap: 2);
        Task<BookingWrite> Create(Instant start, string client, IdempotencyKey key)
        {
            var booking = Commitments.NewBooking(_clock, coach, offering, start, client);
            return bookings.CreateAsync(booking, ClaimKeys.For(booking, offering, coach.TimeZone), key, null, default);
        }

        var annKey = IdempotencyKey.Create("ann", "first", true, "same")!;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = _database.WriteAsync(async (_, _) =>
        {
            entered.SetResult();
            await open.Task;
            return Batched.Keep(0);
        }, default);
        await entered.Task;
        var before = _database.GroupCommits;

        var first = Create(Nine, "ann", annKey);
        var retry = Create(Nine, "ann", annKey);
        var overlap = Create(Nine + Duration.FromMinutes(30), "bob", IdempotencyKey.Create("bob", "b", true, "b")!);
        var second = Create(Nine + Duration.FromHours(2), "cy", IdempotencyKey.Create("cy", "c", true, "c")!);
        var overCap = Create(Nine + Duration.FromHours(4), "di", IdempotencyKey.Create("di", "d", true, "d")!);
        open.SetResult();
        await gate;

        var stored = Assert.IsType<BookingWrite.Stored>(await first).Booking;
        Assert.Equal(stored.Id, Assert.IsType<BookingWrite.RequestSeen>(await retry).Original.Id);
        Assert.IsType<BookingWrite.SlotTaken>(await overlap);
        var kept = Assert.IsType<BookingWrite.Stored>(await second).Booking;
        Assert.IsType<BookingWrite.CapFull>(await overCap);
        Assert.Equal(2, _database.GroupCommits - before); // the gate's batch, then all five in one
        var listed = await bookings.ListAsync(new BookingQuery(coach.Id, null, [], null, null, null, 10), default);
        Assert.Equal([stored.Id, kept.Id], listed.Select(b => b.Id));
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _file.DeleteAsync();
    }
}
