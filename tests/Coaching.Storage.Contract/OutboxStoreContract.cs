using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Storage.Contract;

/// <summary>The outbox part of the booking store contract: what every <see cref="IOutboxStore"/> must do with the booking writes.</summary>
public abstract partial class BookingStoreContract
{
    private IOutboxStore Outbox => _stores!.Outbox;

    private OutboxEntry Entry(string id, Booking booking, MailOrder? mail = null) =>
        new(id, "booking.created", booking.Name, [ResourceNames.User(booking.ClientId), ResourceNames.Coach(booking.CoachId)], [1, 2, (byte)id.Length], mail,
            Clock.GetCurrentInstant());

    private static MailOrder Mail(string attendee) => new(InviteMethod.Request, "uid", 0, [0x42, 0x0D, 0x0A], "Ann", attendee, "Coach",
        "coach@example.org", "Career coaching", Nine, Nine + Duration.FromMinutes(45), "Europe/London");

    private async Task<bool> SettleAsync(string id, string owner, DeliveryState state, int attempts, string error, Instant next) =>
        await Outbox.SettleAllAsync(owner, [new Settlement(id, state, attempts, error, next)], default) == 1;

    // What the dispatcher does: relay (where the store keeps entries apart), then fan out from the cursor until caught up.
    private async Task<IReadOnlyList<LoggedEntry>> PlanAllAsync(IReadOnlyList<Webhook>? hooks = null)
    {
        var now = Clock.GetCurrentInstant();
        Task<IReadOnlyList<Delivery>> Plan(IReadOnlyList<LoggedEntry> entries) =>
            Task.FromResult<IReadOnlyList<Delivery>>([.. entries.SelectMany(e => DeliveryPlanner.Plan(e, hooks ?? [], now))]);
        await Outbox.RelayAsync("planner", now, Plan, default);
        while (true)
        {
            var cursor = await Outbox.FanOutCursorAsync(default);
            var entries = await Outbox.ReadLogAsync(cursor, 100, default);
            if (entries.Count == 0)
            {
                return await Outbox.ReadLogAsync(0, 1000, default);
            }

            await Outbox.FanOutAsync(cursor, entries[^1].Position, await Plan(entries), default);
        }
    }

    [SkippableFact]
    public async Task Outbox_EntriesCommitWithTheirChange_InCommitOrder_AndNeverWithARefusedOne()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var booking = NewBooking(coach, offering, Nine);
        var claims = ClaimKeys.For(booking, offering, coach.TimeZone);
        Assert.IsType<BookingWrite.Stored>(await Store.CreateAsync(booking, claims, Key(), new Outgoing(null, Entry("e1", booking, Mail("ann@example.org"))), default));
        var clash = NewBooking(coach, offering, Nine);
        Assert.IsType<BookingWrite.SlotTaken>(await Store.CreateAsync(clash, ClaimKeys.For(clash, offering, coach.TimeZone), Key(),
            new Outgoing(null, Entry("refused-create", clash)), default));
        var cancelled = booking with { State = BookingState.Cancelled, Version = 2 };
        Assert.IsType<BookingWrite.Stored>(await Store.UpdateAsync(cancelled, 1, new Outgoing(null, Entry("e2", booking)), default));
        Assert.IsType<BookingWrite.Stale>(await Store.UpdateAsync(booking with { Version = 3 }, 1, new Outgoing(null, Entry("refused-update", booking)), default));
        var other = NewBooking(coach, offering, Nine + Duration.FromHours(2));
        await Store.CreateAsync(other, ClaimKeys.For(other, offering, coach.TimeZone), Key(), new Outgoing(null, Entry("e3", other)), default);

        var log = await PlanAllAsync();

        Assert.Equal(["e1", "e2", "e3"], log.Select(e => e.Entry.Id));
        Assert.True(log[0].Position < log[1].Position && log[1].Position < log[2].Position);
        Assert.Equal(Entry("e1", booking, Mail("ann@example.org")) with { Audience = [], Payload = [], Mail = null },
            log[0].Entry with { Audience = [], Payload = [], Mail = null });
        Assert.Equal([1, 2, 2], log[0].Entry.Payload);
        Assert.Equal([0x42, 0x0D, 0x0A], log[0].Entry.Mail!.Invite);
        Assert.Equal(Mail("ann@example.org") with { Invite = [] }, log[0].Entry.Mail! with { Invite = [] });
        Assert.Equal([ResourceNames.User("ann"), ResourceNames.Coach(coach.Id)], log[0].Entry.Audience);
        var (first, last) = await Outbox.LogBoundsAsync(default);
        Assert.Equal((log[0].Position, log[2].Position), (first, last));
        Assert.Equal(log.Skip(1), await Outbox.ReadLogAsync(log[0].Position, 10, default), new LoggedComparer());
    }

    [SkippableFact]
    public async Task Outbox_FanOut_RecordsEachDeliveryOnce_SkipsPeopleWithoutAddress()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var booking = NewBooking(coach, offering, Nine);
        await Store.CreateAsync(booking, ClaimKeys.For(booking, offering, coach.TimeZone), Key(), new Outgoing(null, Entry("m1", booking, Mail(""))), default);
        var hook = new Webhook("h1", "https://example.org/hook", [], true, "whsec_c2VjcmV0", Clock.GetCurrentInstant());

        var log = await PlanAllAsync([hook]);
        // Fanning the same entries out again (a second process, or a crash before the cursor moved) adds nothing.
        await Outbox.FanOutAsync(await Outbox.FanOutCursorAsync(default), log[^1].Position,
            [.. log.SelectMany(e => DeliveryPlanner.Plan(e, [hook], Clock.GetCurrentInstant()))], default);
        var all = await Outbox.ListDeliveriesAsync(new DeliveryQuery(null, null, null, null, 100), default);

        Assert.Equal(3, all.Count);
        var skipped = Assert.Single(all, d => d.State == DeliveryState.Skipped);
        Assert.Equal((DeliveryChannel.Email, Delivery.Attendee), (skipped.Channel, skipped.Role));
        Assert.Contains("no e-mail address", skipped.LastError, StringComparison.Ordinal);
        Assert.Single(all, d => d is { Channel: DeliveryChannel.Email, Role: Delivery.Organizer, State: DeliveryState.Pending, Recipient: "coach@example.org" });
        Assert.Single(all, d => d is { Channel: DeliveryChannel.Webhook, Recipient: "webhooks/h1", State: DeliveryState.Pending });
        Assert.Equal(2, (await Outbox.StatsAsync(default)).Pending);
        Assert.Single(await Outbox.ListDeliveriesAsync(new DeliveryQuery(DeliveryState.Skipped, DeliveryChannel.Email, booking.Name, null, 10), default));
        Assert.Empty(await Outbox.ListDeliveriesAsync(new DeliveryQuery(null, null, "bookings/other", null, 10), default));
    }

    [SkippableFact]
    public async Task Outbox_Lease_IsExclusive_InOrderPerStream_AndRunsOutAfterACrash()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var booking = NewBooking(coach, offering, Nine);
        await Store.CreateAsync(booking, ClaimKeys.For(booking, offering, coach.TimeZone), Key(), new Outgoing(null, Entry("s1", booking, Mail("ann@example.org"))), default);
        await Store.UpdateAsync(booking with { State = BookingState.Cancelled, Version = 2 }, 1,
            new Outgoing(null, Entry("s2", booking, Mail("ann@example.org"))), default);
        await PlanAllAsync();
        var now = Clock.GetCurrentInstant();

        var a = await Outbox.LeaseDueAsync("a", now, now + Duration.FromMinutes(1), 10, default);
        var b = await Outbox.LeaseDueAsync("b", now, now + Duration.FromMinutes(1), 10, default);

        // Two streams (attendee, organizer) of one booking: the first entry's delivery of each, and nothing for anyone else.
        Assert.Equal(["s1-a", "s1-o"], a.Select(d => d.Id).Order());
        Assert.Empty(b);
        Assert.True(await SettleAsync("s1-a", "a", DeliveryState.Delivered, 1, string.Empty, now));
        Assert.False(await SettleAsync("s1-o", "b", DeliveryState.Delivered, 1, string.Empty, now));
        var next = await Outbox.LeaseDueAsync("b", now, now + Duration.FromMinutes(1), 10, default);
        Assert.Equal(["s2-a"], next.Select(d => d.Id));

        // "a" dies holding s1-o: once its lease runs out, "c" takes it over, and a late settle by "a" is refused.
        var later = now + Duration.FromMinutes(2);
        var taken = await Outbox.LeaseDueAsync("c", later, later + Duration.FromMinutes(1), 10, default);
        Assert.Contains("s1-o", taken.Select(d => d.Id));
        Assert.False(await SettleAsync("s1-o", "a", DeliveryState.Delivered, 1, string.Empty, later));
        Assert.True(await SettleAsync("s1-o", "c", DeliveryState.Pending, 1, "SMTP 451: try later", later + Duration.FromMinutes(5)));
        var retried = Assert.Single(await Outbox.ListDeliveriesAsync(new DeliveryQuery(DeliveryState.Pending, null, null, null, 10), default),
            d => d.Id == "s1-o");
        Assert.Equal((1, "SMTP 451: try later", later + Duration.FromMinutes(5)), (retried.Attempts, retried.LastError, retried.NextAttempt));
        Assert.DoesNotContain("s1-o", (await Outbox.LeaseDueAsync("d", later, later + Duration.FromMinutes(1), 10, default)).Select(d => d.Id));
    }

    [SkippableFact]
    public async Task Outbox_Retry_RevivesOnlyDead_Prune_KeepsUnfinishedWork()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var (coach, offering) = await SeedAsync();
        var booking = NewBooking(coach, offering, Nine);
        await Store.CreateAsync(booking, ClaimKeys.For(booking, offering, coach.TimeZone), Key(), new Outgoing(null, Entry("r1", booking, Mail("ann@example.org"))), default);
        await PlanAllAsync();
        var now = Clock.GetCurrentInstant();
        await Outbox.LeaseDueAsync("a", now, now + Duration.FromMinutes(1), 10, default);
        await SettleAsync("r1-a", "a", DeliveryState.Dead, 8, "SMTP 550: no such user", now);
        await SettleAsync("r1-o", "a", DeliveryState.Delivered, 1, string.Empty, now);

        Assert.Equal((1L, 0L), ((await Outbox.StatsAsync(default)).Dead, (await Outbox.StatsAsync(default)).Pending));
        var (notDead, notRetried) = await Outbox.RetryAsync("r1-o", now, default);
        Assert.Equal((DeliveryState.Delivered, false), (notDead!.State, notRetried));
        Assert.Equal((null, false), await Outbox.RetryAsync("missing", now, default));

        var pruned = await Outbox.PruneAsync(now + Duration.FromHours(1), default);
        Assert.Equal(1, pruned); // the delivered one; the entry stays while its dead delivery does
        Assert.Single(await Outbox.ReadLogAsync(0, 10, default));

        var (revived, retried) = await Outbox.RetryAsync("r1-a", now, default);
        Assert.True(retried);
        Assert.Equal((DeliveryState.Pending, 0), (revived!.State, revived.Attempts));
        Assert.Equal(["r1-a"], (await Outbox.LeaseDueAsync("b", now, now + Duration.FromMinutes(1), 10, default)).Select(d => d.Id));
        await SettleAsync("r1-a", "b", DeliveryState.Delivered, 1, string.Empty, now);
        await Outbox.PruneAsync(now + Duration.FromHours(1), default);
        Assert.Empty(await Outbox.ReadLogAsync(0, 10, default));
        Assert.Empty(await Outbox.ListDeliveriesAsync(new DeliveryQuery(null, null, null, null, 10), default));
        // The log's end survives pruning, so a watcher's position stays meaningful.
        var (first, last) = await Outbox.LogBoundsAsync(default);
        Assert.True(last >= 1 && first == last + 1, $"bounds ({first}, {last})");
    }

    [SkippableFact]
    public async Task Webhooks_CreateIsIdempotent_ListPages_DeleteDropsPendingDeliveries()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var at = Clock.GetCurrentInstant();
        var key = IdempotencyKey.Create("admin", "req-1", true, "https://example.org/a")!;
        var created = await Outbox.CreateWebhookAsync(new Webhook("w1", "https://example.org/a", ["booking.created"], true, "whsec_AAAA", at), key, default);
        var again = await Outbox.CreateWebhookAsync(new Webhook("w9", "https://example.org/a", ["booking.created"], true, "whsec_BBBB", at), key, default);
        await Outbox.CreateWebhookAsync(new Webhook("w2", "https://example.org/b", [], false, "whsec_CCCC", at), null, default);

        Assert.True(created.Created);
        Assert.False(again.Created);
        Assert.Equal(("w1", "whsec_AAAA", key.Fingerprint), (again.Value.Id, again.Value.Secret, again.Fingerprint));
        Assert.Equal(["w1", "w2"], (await Outbox.ListWebhooksAsync(null, 10, default)).Select(w => w.Id));
        Assert.Equal(["w2"], (await Outbox.ListWebhooksAsync("w1", 10, default)).Select(w => w.Id));
        Assert.Equal(["w1"], (await Outbox.ActiveWebhooksAsync(default)).Select(w => w.Id));
        Assert.Equal(["booking.created"], (await Outbox.GetWebhookAsync("w1", default))!.EventTypes);

        var (coach, offering) = await SeedAsync();
        var booking = NewBooking(coach, offering, Nine);
        await Store.CreateAsync(booking, ClaimKeys.For(booking, offering, coach.TimeZone), Key(), new Outgoing(null, Entry("k1", booking)), default);
        await PlanAllAsync(await Outbox.ActiveWebhooksAsync(default));
        Assert.Single(await Outbox.ListDeliveriesAsync(new DeliveryQuery(DeliveryState.Pending, DeliveryChannel.Webhook, null, null, 10), default));

        Assert.True(await Outbox.DeleteWebhookAsync("w1", default));
        Assert.False(await Outbox.DeleteWebhookAsync("w1", default));
        Assert.Null(await Outbox.GetWebhookAsync("w1", default));
        Assert.Empty(await Outbox.ListDeliveriesAsync(new DeliveryQuery(null, DeliveryChannel.Webhook, null, null, 10), default));
    }

    private sealed class LoggedComparer : IEqualityComparer<LoggedEntry>
    {
        public bool Equals(LoggedEntry? x, LoggedEntry? y) => x?.Position == y?.Position && x?.Entry.Id == y?.Entry.Id;

        public int GetHashCode(LoggedEntry obj) => HashCode.Combine(obj.Position, obj.Entry.Id);
    }
}
