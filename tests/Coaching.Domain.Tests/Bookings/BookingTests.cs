using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Tests.Bookings;

/// <summary>The booking state machine on the entity: every action from every state against the table in DESIGN.md.</summary>
public class BookingTests
{
    private static readonly Instant Nine = Instant.FromUtc(2026, 12, 7, 9, 0);

    private static readonly Coach Coach = Coach.Create("c1", new CoachDraft("Ada", "", "ada@example.org", [], "Europe/London"), Nine - Duration.FromDays(30));

    private static Offering Offering(bool confirm = false) => Coaching.Domain.Coaches.Offering.Create("o1", "c1",
        new OfferingDraft("CV review", Duration: Duration.FromMinutes(45), BufferBefore: Duration.FromMinutes(10), RequiresConfirmation: confirm),
        Nine - Duration.FromDays(30));

    private static Booking In(BookingState state) =>
        Booking.Book("b1", Coach, Offering(), new BookingParty("ann", "Ann", "ann@example.org"), Nine, "CV", "users/ann", "r1", Nine - Duration.FromDays(1))
            with { State = state };

    public static TheoryData<string, BookingState, BookingState?> Table()
    {
        // action, from, to (null: refused with INVALID_STATE_TRANSITION)
        var allowed = new Dictionary<(string, BookingState), BookingState>
        {
            [("confirm", BookingState.Pending)] = BookingState.Confirmed,
            [("decline", BookingState.Pending)] = BookingState.Declined,
            [("cancel", BookingState.Pending)] = BookingState.Cancelled,
            [("cancel", BookingState.Confirmed)] = BookingState.Cancelled,
            [("complete", BookingState.Confirmed)] = BookingState.Completed,
            [("no-show", BookingState.Confirmed)] = BookingState.NoShow,
        };
        var data = new TheoryData<string, BookingState, BookingState?>();
        foreach (var action in new[] { "confirm", "decline", "cancel", "complete", "no-show" })
        {
            foreach (var from in Enum.GetValues<BookingState>())
            {
                data.Add(action, from, allowed.TryGetValue((action, from), out var to) ? to : null);
            }
        }

        return data;
    }

    private static Booking Act(Booking b, string action, Instant at) => action switch
    {
        "confirm" => b.Confirm("coaches/c1", at),
        "decline" => b.Decline("coaches/c1", at, "away"),
        "cancel" => b.Cancel("users/ann", at, "ill"),
        "complete" => b.Complete("coaches/c1", at),
        _ => b.MarkNoShow("coaches/c1", at),
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void EveryActionFromEveryState_FollowsTheTable_AndRecordsWhoWhenWhy(string action, BookingState from, BookingState? to)
    {
        var booking = In(from);
        var at = Nine + Duration.FromHours(1);

        if (to is null)
        {
            var error = Assert.Throws<DomainException>(() => Act(booking, action, at));
            Assert.Equal(("INVALID_STATE_TRANSITION", "bookings/b1"), (error.Reason, error.Metadata["resource"]));
            return;
        }

        var next = Act(booking, action, at);
        Assert.Equal((to.Value, 2L, at), (next.State, next.Version, next.UpdateTime));
        // Exactly one event appended, the rest untouched: the MongoDB store pushes only the newest event of a change.
        Assert.Equal([.. booking.History, next.History[^1]], next.History);
        Assert.Equal((to.Value, at), (next.History[^1].State, next.History[^1].Time));
        Assert.Equal((booking.Id, booking.Start, booking.Block), (next.Id, next.Start, next.Block));
    }

    [Theory]
    [InlineData("complete")]
    [InlineData("no-show")]
    public void AttendanceBeforeTheStart_IsRefused(string action)
    {
        var error = Assert.Throws<DomainException>(() => Act(In(BookingState.Confirmed), action, Nine - Duration.FromMilliseconds(1)));

        Assert.Equal("SESSION_NOT_STARTED", error.Reason);
    }

    [Fact]
    public void Book_TakesTheOfferingsShapeAndState_PendingWhenConfirmationIsNeeded()
    {
        var party = new BookingParty("ann", "Ann", "");

        var confirmed = Booking.Book("b1", Coach, Offering(), party, Nine, "CV", "users/ann", "r1", Nine - Duration.FromDays(1));
        var pending = Booking.Book("b2", Coach, Offering(confirm: true), party, Nine, "CV", "users/ann", "r2", Nine - Duration.FromDays(1));

        Assert.Equal(BookingState.Confirmed, confirmed.State);
        Assert.Equal(BookingState.Pending, pending.State);
        Assert.Equal(new Interval(Nine - Duration.FromMinutes(10), Nine + Duration.FromMinutes(45)), confirmed.Block);
        Assert.Equal((-1, 1L, "CV review", "Ada"), (confirmed.InviteSequence, confirmed.Version, confirmed.Title, confirmed.CoachName));
        Assert.Throws<ArgumentException>(() => Booking.Book("b3", Coach, Offering() with { CoachId = "other" }, party, Nine, "", "a", null, Nine));
    }

    [Theory]
    [InlineData(BookingState.Pending, true)]
    [InlineData(BookingState.Confirmed, true)]
    [InlineData(BookingState.Cancelled, false)]
    [InlineData(BookingState.Completed, false)]
    public void MoveTo_KeepsIdentityAndState_OnlyWhileActive(BookingState from, bool moves)
    {
        var later = Nine + Duration.FromDays(1);

        if (!moves)
        {
            Assert.Equal("INVALID_STATE_TRANSITION", Assert.Throws<DomainException>(() => In(from).MoveTo(later, Offering(), "users/ann", Nine, "r9#f")).Reason);
            return;
        }

        var moved = In(from).MoveTo(later, Offering(), "users/ann", Nine, "r9#f");
        Assert.Equal((from, "b1", later, later + Duration.FromMinutes(45)), (moved.State, moved.Id, moved.Start, moved.End));
        Assert.Equal((Nine, "r9#f"), (moved.History[^1].PreviousStart, moved.History[^1].RequestId));
        Assert.Equal([.. In(from).History, moved.History[^1]], moved.History);
    }
}
