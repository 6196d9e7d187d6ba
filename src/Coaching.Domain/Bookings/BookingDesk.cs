using Coaching.Domain.Availability;
using Coaching.Domain.Calendar;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Identity;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>
/// Booking use cases. Creating a booking reads the coach, offering, hours and overrides in parallel (one round
/// trip of latency), checks the start against the hours, notice and horizon rules of the slot listing, then makes
/// one atomic store write that also claims the time and the cap seats: the claims are the one judge of conflicts
/// (bookings, cohort sessions, buffers) and caps, so a taken slot or a concurrent winner fails that write with
/// SLOT_UNAVAILABLE and a full cap with BOOKING_LIMIT_REACHED.
/// </summary>
public sealed class BookingDesk(ICoachStore coaches, SlotContextLoader slotContexts, IBookingStore store,
    ICalendarWriter calendar, IEventEncoder events, IClock clock, IIdGenerator ids, ExternalCalendars.ICalendarConnectionStore calendars)
{
    /// <summary>Longest agenda accepted.</summary>
    public const int MaxAgendaLength = 4000;

    /// <summary>Longest reason accepted.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>Books a slot: clients for themselves, admins for a named client.</summary>
    public async Task<Booking> CreateAsync(Caller caller, BookingRequest request, string? requestId, CancellationToken ct)
    {
        var clientId = ClientFor(caller, request.ClientId);
        var v = new Violations();
        v.FreeText(request.Agenda, "booking.agenda", MaxAgendaLength);
        v.ThrowIfAny();
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: true,
            request.CoachId, request.OfferingId, request.Start, request.Agenda ?? string.Empty, clientId)!;

        var now = clock.GetCurrentInstant();
        RejectFarOff(request.Start, now, ResourceNames.Coach(request.CoachId));
        var (coach, offering, query) = await LoadAsync(request.CoachId, request.OfferingId, request.Start, ct);
        var verdict = SlotCalculator.Classify(query, request.Start, now, SlotCalculator.DefaultStep(offering));
        if (verdict != SlotVerdict.Open)
        {
            // A retry whose first attempt took this very slot must get its booking back, not a refusal.
            if (await FindRetryAsync(key, ct) is { } original)
            {
                return original;
            }

            throw Refusal(verdict, coach.Name, query, request.Start);
        }

        var time = Instants.TruncateToMilliseconds(now);
        var client = new BookingParty(clientId,
            caller.Role == Role.Client && caller.DisplayName.Length > 0 ? caller.DisplayName : clientId,
            caller.Role == Role.Client && EmailAddress.IsPlausible(caller.Email) ? caller.Email : string.Empty);
        var booking = Booking.Book(ids.NewId(), coach, offering, client, request.Start, request.Agenda ?? string.Empty, Actor(caller), requestId, time);
        var (stamped, invite) = BookingInvites.Emit(null, booking, time);
        return await store.CreateAsync(stamped, ClaimKeys.For(stamped, offering, coach.TimeZone), key, Outgoing(null, stamped, invite), ct) switch
        {
            BookingWrite.Stored { Booking: var stored } => Counted(stored),
            BookingWrite.RequestSeen seen when seen.Fingerprint != key.Fingerprint => Reused(key),
            BookingWrite.RequestSeen { Original: var original } => original,
            var refused => throw Refusal(refused, stamped),
        };
    }

    private static Booking Counted(Booking stored)
    {
        Telemetry.BookingsCreated.Add(1);
        return stored;
    }

    /// <summary>A booking the caller may see.</summary>
    public async Task<Booking> GetAsync(Caller caller, string bookingId, CancellationToken ct)
    {
        var booking = await LoadBookingAsync(bookingId, ct);
        RequireParty(caller, booking, "see this booking");
        return booking;
    }

    /// <summary>Bookings the caller may see, ordered by start: clients their own, coaches their sessions, admins all.</summary>
    public async Task<Page<Booking>> ListAsync(Caller caller, BookingListRequest request, CancellationToken ct)
    {
        var coachId = request.CoachId;
        var clientId = request.ClientId;
        switch (caller.Role)
        {
            case Role.Client when clientId is not null && clientId != caller.UserId:
                Fail.PermissionDenied("NOT_RESOURCE_OWNER", "Clients may list only their own bookings.");
                break;
            case Role.Client:
                clientId = caller.UserId;
                break;
            case Role.Coach when coachId is not null && coachId != caller.CoachId:
                Fail.PermissionDenied("NOT_RESOURCE_OWNER", "Coaches may list only their own sessions.");
                break;
            case Role.Coach:
                coachId = caller.CoachId;
                break;
        }

        var v = new Violations();
        v.Require(request.StartFrom is null || request.StartBefore is null || request.StartBefore > request.StartFrom, "end_time", "must be after start_time");
        v.ThrowIfAny();
        var states = request.States.Distinct().Order().ToList();
        var filter = $"bookings|{coachId}|{clientId}|{string.Join(',', states)}|{request.StartFrom}|{request.StartBefore}";
        var page = PageRequest.Parse(request.PageSize, request.PageToken, filter);
        var after = page.After is { } cursor ? BookingCursor.Parse(cursor) : (BookingCursor?)null;

        var rows = await store.ListAsync(new BookingQuery(coachId, clientId, states, request.StartFrom, request.StartBefore, after, page.Size + 1), ct);
        return Page.FromFetched(rows, page, b => BookingCursor.After(b).Format(), filter);
    }

    /// <summary>Confirms a pending booking (the coach or an admin).</summary>
    public Task<Booking> ConfirmAsync(Caller caller, string bookingId, string? etag, CancellationToken ct) =>
        ChangeAsync(caller, bookingId, etag, string.Empty, (booking, at) =>
        {
            RequireCoachSide(caller, booking, "confirm this booking");
            return booking.Confirm(Actor(caller), at);
        }, checkClientCutoff: false, ct);

    /// <summary>Declines a pending booking (the coach or an admin).</summary>
    public Task<Booking> DeclineAsync(Caller caller, string bookingId, string? etag, string? reason, CancellationToken ct) =>
        ChangeAsync(caller, bookingId, etag, reason, (booking, at) =>
        {
            RequireCoachSide(caller, booking, "decline this booking");
            return booking.Decline(Actor(caller), at, reason ?? string.Empty);
        }, checkClientCutoff: false, ct);

    /// <summary>Cancels an active booking: its client before the cut-off, the coach or an admin at any time.</summary>
    public Task<Booking> CancelAsync(Caller caller, string bookingId, string? etag, string? reason, CancellationToken ct) =>
        ChangeAsync(caller, bookingId, etag, reason, (booking, at) =>
        {
            RequireParty(caller, booking, "cancel this booking");
            return booking.Cancel(Actor(caller), at, reason ?? string.Empty);
        }, checkClientCutoff: true, ct);

    /// <summary>Marks a confirmed booking as held, once it has started (the coach or an admin).</summary>
    public Task<Booking> CompleteAsync(Caller caller, string bookingId, string? etag, CancellationToken ct) =>
        ChangeAsync(caller, bookingId, etag, string.Empty, (booking, at) =>
        {
            RequireCoachSide(caller, booking, "complete this booking");
            return booking.Complete(Actor(caller), at);
        }, checkClientCutoff: false, ct);

    /// <summary>Marks a confirmed booking as missed by the client, once it has started (the coach or an admin).</summary>
    public Task<Booking> MarkNoShowAsync(Caller caller, string bookingId, string? etag, CancellationToken ct) =>
        ChangeAsync(caller, bookingId, etag, string.Empty, (booking, at) =>
        {
            RequireCoachSide(caller, booking, "mark this booking as a no-show");
            return booking.MarkNoShow(Actor(caller), at);
        }, checkClientCutoff: false, ct);

    /// <summary>
    /// Moves an active booking to another open slot, keeping its identity: its client before the cut-off, the coach
    /// or an admin at any time. Idempotent on <paramref name="requestId"/>.
    /// </summary>
    public async Task<Booking> RescheduleAsync(Caller caller, string bookingId, Instant newStart, string? etag, string? requestId, CancellationToken ct)
    {
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: true, bookingId, newStart)!;
        var booking = await LoadBookingAsync(bookingId, ct);
        RequireParty(caller, booking, "reschedule this booking");
        if (Replayed(booking, key) is { } replay)
        {
            return replay;
        }

        Etags.Check(etag, booking.Version, booking.Name);
        booking.EnsureMovable();
        var now = clock.GetCurrentInstant();
        RejectFarOff(newStart, now, ResourceNames.Coach(booking.CoachId));
        var (coach, offering, query) = await LoadAsync(booking.CoachId, booking.OfferingId, newStart, ct);
        RequireClientCutoff(caller, booking, offering, now);
        var verdict = SlotCalculator.Classify(query, newStart, now, SlotCalculator.DefaultStep(offering));
        if (verdict != SlotVerdict.Open)
        {
            throw Refusal(verdict, coach.Name, query, newStart);
        }

        var time = Instants.TruncateToMilliseconds(now);
        var moved = booking.MoveTo(newStart, offering, Actor(caller), time, $"{key.RequestId}#{key.Fingerprint}");
        var (stamped, invite) = BookingInvites.Emit(booking, moved, time);
        var write = await store.RescheduleAsync(stamped, booking.Version, ClaimKeys.For(stamped, offering, coach.TimeZone), Outgoing(booking, stamped, invite), ct);
        if (write is BookingWrite.Stale && Replayed(await LoadBookingAsync(bookingId, ct), key) is { } raced)
        {
            // A concurrent retry of this same request won; its result is ours.
            return raced;
        }

        return write is BookingWrite.Stored { Booking: var stored } ? stored : throw Refusal(write, stamped);
    }

    /// <summary>Every iCalendar message emitted for a booking, byte for byte (its parties and admins).</summary>
    public async Task<IReadOnlyList<Invite>> ListInvitesAsync(Caller caller, string bookingId, CancellationToken ct)
    {
        var booking = await LoadBookingAsync(bookingId, ct);
        RequireParty(caller, booking, "read this booking's invites");
        return [.. (await store.ListInvitesAsync(bookingId, ct)).Select(i => InviteSource.Rendered(i, calendar))];
    }

    // Permission and the state rule come first (the change function), then the etag, then the client's cut-off.
    private async Task<Booking> ChangeAsync(Caller caller, string bookingId, string? etag, string? reason,
        Func<Booking, Instant, Booking> change, bool checkClientCutoff, CancellationToken ct)
    {
        var v = new Violations();
        v.FreeText(reason, "reason", MaxReasonLength);
        v.ThrowIfAny();
        var booking = await LoadBookingAsync(bookingId, ct);
        var now = clock.GetCurrentInstant();
        var time = Instants.TruncateToMilliseconds(now);
        var updated = change(booking, time);
        Etags.Check(etag, booking.Version, booking.Name);
        if (checkClientCutoff && caller.Role == Role.Client)
        {
            var offering = await coaches.GetOfferingAsync(booking.CoachId, booking.OfferingId, ct);
            RequireClientCutoff(caller, booking, offering, now);
        }

        var (stamped, invite) = BookingInvites.Emit(booking, updated, time);
        var write = await store.UpdateAsync(stamped, booking.Version, Outgoing(booking, stamped, invite), ct);
        return write is BookingWrite.Stored { Booking: var stored } ? stored : throw Refusal(write, stamped);
    }

    // The coach, the offering and the slot context in one parallel round of reads, the same context the slot listing uses.
    private async Task<(Coach Coach, Offering Offering, SlotQuery Query)> LoadAsync(string coachId, string offeringId, Instant start, CancellationToken ct)
    {
        var coachTask = coaches.GetCoachAsync(coachId, ct);
        var offeringTask = coaches.GetOfferingAsync(coachId, offeringId, ct);
        var contextTask = slotContexts.LoadHoursAsync(coachId, start, ct);
        // The coach's own calendars, read beside the hours (no extra wait): the one commitment the store's claims cannot see. Wide
        // enough for any buffers; the calculator keeps what touches the block.
        var externalTask = calendars.ListBusyAsync([coachId], start - Duration.FromDays(1), start + Duration.FromDays(2), ct);
        var coach = await coachTask ?? Fail.NotFound<Coach>(ResourceNames.Coach(coachId));
        var offering = await offeringTask ?? Fail.NotFound<Offering>(ResourceNames.Offering(coachId, offeringId));
        coach.EnsureTakesBookings();

        var query = (await contextTask).QueryFor(coach, offering);
        var external = await externalTask;
        return (coach, offering, external.Count == 0 ? query
            : query with { Busy = [.. query.Busy, .. external.Select(b => new BusyInterval(b.Busy, b.Busy.Start, null, External: true))] });
    }

    // Starts in the past or beyond the longest possible horizon are refused before any store read (and before date
    // arithmetic near the ends of the calendar could overflow).
    private static void RejectFarOff(Instant start, Instant now, string coachName)
    {
        if (start < now)
        {
            throw BookingErrors.NoticeTooShort(coachName);
        }

        if (start > now + Duration.FromDays(366))
        {
            throw BookingErrors.BeyondHorizon(coachName);
        }
    }

    private async Task<Booking?> FindRetryAsync(IdempotencyKey key, CancellationToken ct)
    {
        if (await store.FindByRequestKeyAsync(key, ct) is not { } found)
        {
            return null;
        }

        if (found.Fingerprint != key.Fingerprint)
        {
            Fail.RequestIdReused(key.RequestId);
        }

        return found.Booking;
    }

    private static Booking? Replayed(Booking booking, IdempotencyKey key)
    {
        foreach (var e in booking.History)
        {
            if (e.RequestId is { } stored && stored.StartsWith($"{key.RequestId}#", StringComparison.Ordinal))
            {
                if (stored != $"{key.RequestId}#{key.Fingerprint}")
                {
                    Fail.RequestIdReused(key.RequestId);
                }

                return booking;
            }
        }

        return null;
    }

    private Outgoing Outgoing(Booking? before, Booking after, Invite? invite) =>
        BookingOutbox.For(before, after, invite, events, ids.NewId());

    private async Task<Booking> LoadBookingAsync(string bookingId, CancellationToken ct) =>
        await store.GetAsync(bookingId, ct) ?? Fail.NotFound<Booking>(ResourceNames.Booking(bookingId));

    /// <summary>The error for a write the store refused.</summary>
    private static Exception Refusal(BookingWrite write, Booking booking) => write switch
    {
        BookingWrite.SlotTaken => BookingErrors.SlotUnavailable(ResourceNames.Coach(booking.CoachId)),
        BookingWrite.CapFull => BookingErrors.LimitReached(ResourceNames.Coach(booking.CoachId)),
        BookingWrite.Stale => Fail.StaleEtagError(booking.Name),
        BookingWrite.Missing => Fail.NotFoundError(booking.Name),
        _ => new InvalidOperationException($"The store answered {write.GetType().Name} for {booking.Name}."),
    };

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static Booking Reused(IdempotencyKey key)
    {
        Fail.RequestIdReused(key.RequestId);
        return null!;
    }

    // Taken by the coach's own calendar alone (no commitment of this service overlaps): say so, the client can tell them apart.
    private static DomainException Refusal(SlotVerdict verdict, string coachName, SlotQuery query, Instant start)
    {
        if (verdict == SlotVerdict.Taken)
        {
            var block = new Interval(start - query.Offering.BufferBefore, start + query.Offering.Duration + query.Offering.BufferAfter);
            var overlapping = query.Busy.Where(b => b.Block.Start < block.End && block.Start < b.Block.End).ToList();
            if (overlapping.Count > 0 && overlapping.All(b => b.External))
            {
                return BookingErrors.CalendarBusy(coachName);
            }
        }

        return Refusal(verdict, coachName);
    }

    private static DomainException Refusal(SlotVerdict verdict, string coachName) => verdict switch
    {
        SlotVerdict.OutsideAvailability => BookingErrors.OutsideAvailability(coachName),
        SlotVerdict.NoticeTooShort => BookingErrors.NoticeTooShort(coachName),
        SlotVerdict.BeyondHorizon => BookingErrors.BeyondHorizon(coachName),
        SlotVerdict.LimitReached => BookingErrors.LimitReached(coachName),
        _ => BookingErrors.SlotUnavailable(coachName),
    };

    private static string ClientFor(Caller caller, string? requested)
    {
        switch (caller.Role)
        {
            case Role.Client when string.IsNullOrEmpty(requested) || requested == caller.UserId:
                return caller.UserId;
            case Role.Client:
                Fail.PermissionDenied("NOT_RESOURCE_OWNER", "Clients book only for themselves.");
                break;
            case Role.Admin when string.IsNullOrEmpty(requested):
                Fail.Invalid("booking.client", "is required when an admin books on a client's behalf");
                break;
            case Role.Admin:
                return requested;
        }

        Fail.PermissionDenied("CLIENT_OR_ADMIN_REQUIRED", "Only clients (and admins on their behalf) book sessions.");
        return string.Empty;
    }

    private static void RequireParty(Caller caller, Booking booking, string action)
    {
        if (!(caller.IsAdmin || caller.UserId == booking.ClientId && caller.Role == Role.Client || caller.ActsFor(booking.CoachId)))
        {
            Fail.PermissionDenied("NOT_RESOURCE_OWNER", $"Only the booking's client, its coach or an admin may {action}.");
        }
    }

    private static void RequireCoachSide(Caller caller, Booking booking, string action) => caller.RequireActsFor(booking.CoachId, action);

    // Only clients are held to the cut-off; a deleted offering keeps none, so they may then change the booking until it starts.
    private static void RequireClientCutoff(Caller caller, Booking booking, Offering? offering, Instant now)
    {
        if (caller.Role == Role.Client)
        {
            booking.EnsureClientMayChange(offering?.CancellationCutoff ?? Duration.Zero, now);
        }
    }

    private static string Actor(Caller caller) => ResourceNames.User(caller.UserId);
}
