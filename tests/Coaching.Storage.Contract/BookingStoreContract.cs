using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Feeds;
using Coaching.Domain.Outbox;
using NodaTime;
using NodaTime.Testing;

namespace Coaching.Storage.Contract;

/// <summary>The behaviour every <see cref="IBookingStore"/> (and its busy-time reader) must show.</summary>
public abstract partial class BookingStoreContract : IAsyncLifetime
{
    private Stores? _stores;

    /// <summary>The stores under test, sharing one database.</summary>
    public sealed record Stores(ICoachStore Coaches, IBookingStore Bookings, IBookedTimeReader Booked, IFeedStore Feeds, IOutboxStore Outbox);

    protected FakeClock Clock { get; } = new(Instant.FromUtc(2026, 11, 29, 9, 0));

    protected abstract string? SkipReason { get; }

    protected abstract Task<Stores> CreateStoresAsync();

    protected abstract Task DisposeStoresAsync();

    private IBookingStore Store => _stores!.Bookings;

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _stores = await CreateStoresAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_stores is not null)
        {
            await DisposeStoresAsync();
        }
    }

    private Task<(Coach Coach, Offering Offering)> SeedAsync(int dailyCap = 0) => Commitments.SeedCoachAsync(_stores!.Coaches, Clock, dailyCap);

    private Booking NewBooking(Coach coach, Offering offering, Instant start, string client = "ann") =>
        Commitments.NewBooking(Clock, coach, offering, start, client);

    private static IdempotencyKey Key() => IdempotencyKey.Create("ann", Guid.NewGuid().ToString(), true, "x")!;

    private static readonly Instant Nine = Instant.FromUtc(2026, 12, 7, 9, 0);

    private async Task<Booking> CreateAsync(Coach coach, Offering offering, Instant start, string client = "ann")
    {
        var booking = NewBooking(coach, offering, start, client);
        return Assert.IsType<BookingWrite.Stored>(await Store.CreateAsync(booking, ClaimKeys.For(booking, offering, coach.TimeZone), Key(), null, default)).Booking;
    }

    [SkippableFact]
    public async Task Create_ThenGet_RoundTrips_AndShowsAsBusyWithBuffers()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();

        var booking = await CreateAsync(coach, offering, Nine);
        var read = await Store.GetAsync(booking.Id, default);
        var busy = await _stores!.Booked.ListBookedAsync([coach.Id], Nine - Duration.FromHours(1), Nine + Duration.FromHours(3), default);

        Assert.Equal(booking with { History = [] }, read! with { History = [] });
        Assert.Equal(booking.History, read.History);
        var interval = Assert.Single(busy).Busy;
        Assert.Equal(Nine - Duration.FromMinutes(10), interval.Block.Start);
        Assert.Equal(Nine + Duration.FromMinutes(65), interval.Block.End);
        Assert.Equal(booking.Id, interval.BookingId);
    }

    [SkippableFact]
    public async Task BusyTime_OfTheLongestBlocks_IsWhatABruteForceOverlapSays_AtEveryEdge()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, _) = await SeedAsync();
        var ids = new UlidGenerator(Clock);
        // The longest session with the longest buffers, the shortest with the longest buffer before, the longest with only an after.
        Offering[] offerings =
        [
            Offering.Create(ids.NewId(), coach.Id, new OfferingDraft("Long", Duration: Offering.MaxDuration, BufferBefore: Offering.MaxBuffer,
                BufferAfter: Offering.MaxBuffer), Clock.GetCurrentInstant()),
            Offering.Create(ids.NewId(), coach.Id, new OfferingDraft("Short", Duration: Duration.FromMinutes(5), BufferBefore: Offering.MaxBuffer,
                BufferAfter: Duration.Zero), Clock.GetCurrentInstant()),
            Offering.Create(ids.NewId(), coach.Id, new OfferingDraft("After", Duration: Offering.MaxDuration, BufferBefore: Duration.Zero,
                BufferAfter: Offering.MaxBuffer), Clock.GetCurrentInstant()),
        ];
        var bookings = new List<Booking>();
        for (var i = 0; i < offerings.Length; i++)
        {
            await _stores!.Coaches.CreateOfferingAsync(offerings[i], null, default);
            bookings.Add(await CreateAsync(coach, offerings[i], Nine + Duration.FromDays(2 * i), $"client-{i}"));
        }

        // A cancelled one in the middle of them all: never busy.
        var cancelled = await CreateAsync(coach, offerings[0], Nine + Duration.FromDays(1), "gone");
        Assert.IsType<BookingWrite.Stored>(await Store.UpdateAsync(cancelled with { State = BookingState.Cancelled, Version = 2 }, 1, null, default));

        // Every range whose ends sit on, or a millisecond either side of, any booking's block or session edges.
        var edges = bookings.Concat([cancelled])
            .SelectMany(b => new[] { b.BlockStart, b.Start, b.End, b.BlockEnd })
            .SelectMany(t => new[] { t - Duration.FromMilliseconds(1), t, t + Duration.FromMilliseconds(1) })
            .Distinct().Order().ToList();
        var ranges = 0;
        foreach (var from in edges)
        {
            foreach (var to in edges.Where(t => t > from))
            {
                var busy = await _stores!.Booked.ListBookedAsync([coach.Id], from, to, default);
                var expected = bookings.Where(b => b.BlockStart < to && b.BlockEnd > from).Select(b => b.Id).Order();
                Assert.True(expected.SequenceEqual(busy.Select(b => b.Busy.BookingId).Order()), $"busy in [{from}, {to})");
                ranges++;
            }
        }

        Assert.Equal(edges.Count * (edges.Count - 1) / 2, ranges);
    }

    [SkippableFact]
    public async Task Create_OverlappingBlockedTime_SlotUnavailable_AndNothingStored()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        await CreateAsync(coach, offering, Nine);
        // 10:10 starts with a 10-minute buffer at 10:00, inside the first booking's 5-minute after-buffer (until 10:05).
        var clash = NewBooking(coach, offering, Nine + Duration.FromMinutes(70), "bob");

        var write = await Store.CreateAsync(clash, ClaimKeys.For(clash, offering, coach.TimeZone), Key(), null, default);

        Assert.IsType<BookingWrite.SlotTaken>(write);
        Assert.Null(await Store.GetAsync(clash.Id, default));
        var touching = await CreateAsync(coach, offering, Nine + Duration.FromMinutes(75), "bob");
        Assert.NotNull(await Store.GetAsync(touching.Id, default));
    }

    [SkippableFact]
    public async Task Create_SameKey_ReturnsOriginal()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var key = Key();
        var first = NewBooking(coach, offering, Nine);
        await Store.CreateAsync(first, ClaimKeys.For(first, offering, coach.TimeZone), key, null, default);
        var retry = NewBooking(coach, offering, Nine);

        var again = await Store.CreateAsync(retry, ClaimKeys.For(retry, offering, coach.TimeZone), key, null, default);

        var seen = Assert.IsType<BookingWrite.RequestSeen>(again);
        Assert.Equal((first.Id, key.Fingerprint), (seen.Original.Id, seen.Fingerprint));
        Assert.Equal(key.Fingerprint, (await Store.FindByRequestKeyAsync(key, default))!.Value.Fingerprint);
    }

    [SkippableFact]
    public async Task Cancel_ReleasesClaims_InTheSameWrite()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var booking = await CreateAsync(coach, offering, Nine);

        var cancelled = Assert.IsType<BookingWrite.Stored>(await Store.UpdateAsync(booking with { State = BookingState.Cancelled, Version = 2 }, 1, null, default)).Booking;
        var rebooked = await CreateAsync(coach, offering, Nine, "bob");
        var busy = await _stores!.Booked.ListBookedAsync([coach.Id], Nine, Nine + Duration.FromHours(1), default);

        Assert.Equal(BookingState.Cancelled, cancelled.State);
        Assert.Equal(rebooked.Id, Assert.Single(busy).Busy.BookingId);
    }

    [SkippableFact]
    public async Task Update_StaleVersion_Stale_Missing_Missing()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var booking = await CreateAsync(coach, offering, Nine);
        await Store.UpdateAsync(booking with { Agenda = "ignored", Version = 2 }, 1, null, default);

        var stale = await Store.UpdateAsync(booking with { State = BookingState.Cancelled, Version = 2 }, 1, null, default);
        var missing = await Store.UpdateAsync(NewBooking(coach, offering, Nine), 1, null, default);

        Assert.IsType<BookingWrite.Stale>(stale);
        Assert.IsType<BookingWrite.Missing>(missing);
        Assert.Equal(BookingState.Confirmed, (await Store.GetAsync(booking.Id, default))!.State);
    }

    [SkippableFact]
    public async Task Reschedule_SwapsClaims_OrLeavesEverythingAsItWas()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var mine = await CreateAsync(coach, offering, Nine);
        await CreateAsync(coach, offering, Nine + Duration.FromHours(4), "bob");
        var blocked = mine with { Start = Nine + Duration.FromHours(4), End = Nine + Duration.FromHours(5), Version = 2 };

        var write = await Store.RescheduleAsync(blocked, 1, ClaimKeys.For(blocked, offering, coach.TimeZone), null, default);
        var stillMine = await Store.GetAsync(mine.Id, default);
        var clashWithOriginal = NewBooking(coach, offering, Nine, "carol");
        var originalHeld = await Store.CreateAsync(clashWithOriginal, ClaimKeys.For(clashWithOriginal, offering, coach.TimeZone), Key(), null, default);

        var moved = mine with { Start = Nine + Duration.FromHours(2), End = Nine + Duration.FromHours(3), Version = 2 };
        await Store.RescheduleAsync(moved, 1, ClaimKeys.For(moved, offering, coach.TimeZone), null, default);
        var freed = await CreateAsync(coach, offering, Nine, "carol");

        Assert.IsType<BookingWrite.SlotTaken>(write);
        Assert.Equal(mine.Start, stillMine!.Start);
        Assert.Equal(1, stillMine.Version);
        Assert.IsType<BookingWrite.SlotTaken>(originalHeld);
        Assert.Equal(Nine + Duration.FromHours(2), (await Store.GetAsync(mine.Id, default))!.Start);
        Assert.Equal(Nine, freed.Start);
    }

    [SkippableFact]
    public async Task AMuchMovedBooking_KeepsItsWholeHistoryAndEveryInvite_InOrder()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var booking = await CreateAsync(coach, offering, Nine);
        var sent = new List<int>();

        // Enough moves that a store keeping only recent entries in the booking itself must have moved some out, several times.
        for (var i = 1; i <= 40; i++)
        {
            var moved = booking.MoveTo(Nine + Duration.FromMinutes(15 * (i % 2)), offering, "users/ann", Clock.GetCurrentInstant(), $"move-{i}#f");
            var invite = new Invite(i, InviteMethod.Request, i, "uid-m", [(byte)i], Clock.GetCurrentInstant());
            booking = Assert.IsType<BookingWrite.Stored>(
                await Store.RescheduleAsync(moved, booking.Version, ClaimKeys.For(moved, offering, coach.TimeZone), new Outgoing(invite, null), default)).Booking;
            sent.Add(i);
            Assert.Equal(i + 1, booking.History.Count);
        }

        var read = (await Store.GetAsync(booking.Id, default))!;
        var listed = Assert.Single(await Store.ListAsync(new BookingQuery(coach.Id, null, [], null, null, null, 10), default));
        var invites = await Store.ListInvitesAsync(booking.Id, default);

        Assert.Equal(41, read.History.Count);
        Assert.Equal(booking.History[0], read.History[0]);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => $"move-{i}#f"), read.History.Skip(1).Select(e => e.RequestId));
        Assert.Equal(read.History, listed.History);
        Assert.Equal(41L, read.Version);
        Assert.Equal(sent, invites.Select(v => v.Ordinal));
        Assert.Equal(sent.Select(i => (byte)i), invites.Select(v => v.Content.Single()));
    }

    [SkippableFact]
    public async Task DailyCap_SeatsAreTakenAndFreed()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync(dailyCap: 2);
        var first = await CreateAsync(coach, offering, Nine);
        await CreateAsync(coach, offering, Nine + Duration.FromHours(2));
        var third = NewBooking(coach, offering, Nine + Duration.FromHours(4));

        var full = await Store.CreateAsync(third, ClaimKeys.For(third, offering, coach.TimeZone), Key(), null, default);
        await Store.UpdateAsync(first with { State = BookingState.Cancelled, Version = 2 }, 1, null, default);
        var afterCancel = await Store.CreateAsync(third, ClaimKeys.For(third, offering, coach.TimeZone), Key(), null, default);

        Assert.StartsWith($"{offering.Id}|day|", Assert.IsType<BookingWrite.CapFull>(full).Family.Prefix, StringComparison.Ordinal);
        Assert.IsType<BookingWrite.Stored>(afterCancel);
    }

    [SkippableFact]
    public async Task ConcurrentCreates_OfOverlappingTimes_ExactlyOneStored()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
        {
            var booking = NewBooking(coach, offering, Nine + Duration.FromMinutes(15 * (i % 4)), $"c{i}");
            var write = await Store.CreateAsync(booking, ClaimKeys.For(booking, offering, coach.TimeZone), Key(), null, default);
            return write is BookingWrite.SlotTaken ? false : Assert.IsType<BookingWrite.Stored>(write) is not null;
        })));

        Assert.Single(outcomes, won => won);
        Assert.Single(await Store.ListAsync(new BookingQuery(coach.Id, null, [], null, null, null, 100), default));
    }

    [SkippableFact]
    public async Task List_FiltersAndPagesByStartThenId()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var a = await CreateAsync(coach, offering, Nine, "ann");
        var b = await CreateAsync(coach, offering, Nine + Duration.FromHours(2), "bob");
        var c = await CreateAsync(coach, offering, Nine + Duration.FromHours(4), "ann");
        await Store.UpdateAsync(c with { State = BookingState.Cancelled, Version = 2 }, 1, null, default);

        var anns = await Store.ListAsync(new BookingQuery(null, "ann", [], null, null, null, 10), default);
        var active = await Store.ListAsync(new BookingQuery(coach.Id, null, [BookingState.Confirmed], null, null, null, 10), default);
        var page2 = await Store.ListAsync(new BookingQuery(coach.Id, null, [], null, null, BookingCursor.After(a), 10), default);
        var window = await Store.ListAsync(new BookingQuery(coach.Id, null, [], Nine + Duration.FromHours(1), Nine + Duration.FromHours(3), null, 10), default);

        Assert.Equal([a.Id, c.Id], anns.Select(x => x.Id));
        Assert.Equal([a.Id, b.Id], active.Select(x => x.Id));
        Assert.Equal([b.Id, c.Id], page2.Select(x => x.Id));
        Assert.Equal([b.Id], window.Select(x => x.Id));
    }

    [SkippableFact]
    public async Task Invites_AreStoredWithTheirChange_ByteForByte_AndNotOnAFailedWrite()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var content = new byte[] { 0x42, 0x45, 0x47, 0x49, 0x4E, 0x3A, 0xE6, 0x97, 0xA5, 0x0D, 0x0A, 0x00, 0xFF };
        var booking = NewBooking(coach, offering, Nine);
        var first = new Invite(1, InviteMethod.Request, 0, "uid-1", content, Clock.GetCurrentInstant());
        await Store.CreateAsync(booking, ClaimKeys.For(booking, offering, coach.TimeZone), Key(), new Outgoing(first, null), default);
        var second = new Invite(2, InviteMethod.Cancel, 1, "uid-1", [1, 2, 3], Clock.GetCurrentInstant());
        await Store.UpdateAsync(booking with { State = BookingState.Cancelled, InviteSequence = 1, Version = 2 }, 1, new Outgoing(second, null), default);
        var stale = new Invite(3, InviteMethod.Request, 2, "uid-1", [9], Clock.GetCurrentInstant());
        Assert.IsType<BookingWrite.Stale>(await Store.UpdateAsync(booking with { Version = 2 }, 1, new Outgoing(stale, null), default));
        var clash = NewBooking(coach, offering, Nine + Duration.FromMinutes(75));
        await Store.CreateAsync(clash, ClaimKeys.For(clash, offering, coach.TimeZone), Key(), null, default);
        var refused = NewBooking(coach, offering, Nine + Duration.FromMinutes(75));
        Assert.IsType<BookingWrite.SlotTaken>(await Store.CreateAsync(refused, ClaimKeys.For(refused, offering, coach.TimeZone), Key(),
            new Outgoing(new Invite(1, InviteMethod.Request, 0, "uid-x", [7], Clock.GetCurrentInstant()), null), default));

        var invites = await Store.ListInvitesAsync(booking.Id, default);

        Assert.Equal(2, invites.Count);
        Assert.Equal(content, invites[0].Content);
        Assert.Equal(first with { Content = [] }, invites[0] with { Content = [] });
        Assert.Equal(InviteMethod.Cancel, invites[1].Method);
        Assert.Equal(1, (await Store.GetAsync(booking.Id, default))!.InviteSequence);
        Assert.Empty(await Store.ListInvitesAsync(refused.Id, default));
    }

    [SkippableFact]
    public async Task Feeds_SecretIsStable_CreateIsIdempotent_RotationIsConditional()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var feeds = _stores!.Feeds;

        var secret = await feeds.GetOrCreateSecretAsync([1, 2, 3], default);
        var again = await feeds.GetOrCreateSecretAsync([4, 5, 6], default);
        var created = await feeds.CreateAsync(new FeedRecord("users/ann", 1, "hash-1", Clock.GetCurrentInstant()), default);
        var duplicate = await feeds.CreateAsync(new FeedRecord("users/ann", 1, "hash-other", Clock.GetCurrentInstant()), default);
        var rotated = await feeds.RotateAsync(new FeedRecord("users/ann", 2, "hash-2", Clock.GetCurrentInstant()), 1, default);
        var lost = await Assert.ThrowsAsync<DomainException>(() => feeds.RotateAsync(new FeedRecord("users/ann", 2, "hash-3", Clock.GetCurrentInstant()), 1, default));

        Assert.Equal(secret, again);
        Assert.Equal("hash-1", duplicate.TokenHash);
        Assert.Equal(created, duplicate);
        Assert.Equal(2, rotated.Generation);
        Assert.Equal(ErrorKind.Aborted, lost.Kind);
        Assert.Null(await feeds.FindOwnerAsync("hash-1", default));
        Assert.Equal("users/ann", await feeds.FindOwnerAsync("hash-2", default));
    }
}
