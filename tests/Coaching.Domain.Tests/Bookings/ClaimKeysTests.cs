using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using NodaTime;

namespace Coaching.Domain.Tests.Bookings;

public class ClaimKeysTests
{
    private static readonly Instant Nine = Instant.FromUtc(2026, 12, 7, 9, 0);
    private static readonly DateTimeZone Kathmandu = DateTimeZoneProviders.Tzdb["Asia/Kathmandu"];

    private static Offering Offering(int minutes, int before, int after, int dailyCap = 0, int weeklyCap = 0) =>
        Coaching.Domain.Coaches.Offering.Create("o1", "c1", new OfferingDraft("T", Duration: Duration.FromMinutes(minutes),
            BufferBefore: Duration.FromMinutes(before), BufferAfter: Duration.FromMinutes(after), DailyCap: dailyCap, WeeklyCap: weeklyCap), Nine);

    private static Booking At(Instant start, Offering o) => new()
    {
        Id = "b", CoachId = "c1", OfferingId = o.Id, ClientId = "ann", Start = start, End = start + o.Duration, BufferBefore = o.BufferBefore,
        BufferAfter = o.BufferAfter, CoachTimeZoneId = "Asia/Kathmandu", Agenda = "", Title = "T", CoachName = "C", CoachEmail = "c@x.org", ClientName = "Ann",
        ClientEmail = "", InviteSequence = -1, State = BookingState.Confirmed, History = [],
        CreateTime = Nine, UpdateTime = Nine, Version = 1,
    };

    [Fact]
    public void Cells_CoverTheBlockedTimeExactly()
    {
        var o = Offering(60, 10, 5);

        var claims = ClaimKeys.For(At(Nine, o), o, Kathmandu);

        Assert.Equal(15, claims.Cells.Count); // 75 minutes of 5-minute cells
        Assert.Equal($"c1|{(Nine - Duration.FromMinutes(10)).ToUnixTimeSeconds() / 300}", claims.Cells[0]);
    }

    [Theory]
    [InlineData(75, false)] // next block starts exactly where this one ends: touching, no shared cell
    [InlineData(70, true)]
    [InlineData(0, true)]
    [InlineData(-60, true)]
    [InlineData(-75, false)]
    public void Cells_ShareOnlyWhenBlockedTimesOverlap(int offsetMinutes, bool shared)
    {
        var o = Offering(60, 10, 5);
        var a = ClaimKeys.For(At(Nine, o), o, Kathmandu).Cells;
        var b = ClaimKeys.For(At(Nine + Duration.FromMinutes(offsetMinutes), o), o, Kathmandu).Cells;

        Assert.Equal(shared, a.Intersect(b).Any());
    }

    [Fact]
    public void Caps_AreSeatFamiliesPerCoachLocalDayAndIsoWeek()
    {
        var o = Offering(60, 0, 0, dailyCap: 2, weeklyCap: 5);
        // 20:00 UTC on Sunday 6 Dec is already Monday 7 Dec in Kathmandu (+05:45): ISO week 50.
        var late = Instant.FromUtc(2026, 12, 6, 20, 0);

        var claims = ClaimKeys.For(At(late, o), o, Kathmandu);

        Assert.Equal(["o1|day|2026-12-07", "o1|week|2026-W50"], claims.Caps.Select(c => c.Prefix));
        Assert.Equal(["o1|day|2026-12-07|0", "o1|day|2026-12-07|1"], ClaimKeys.Seats(claims.Caps[0]));
    }

    [Fact]
    public void OffGridBlock_IsRejected()
    {
        var o = Offering(60, 0, 0);

        Assert.Throws<InvalidOperationException>(() => ClaimKeys.For(At(Nine + Duration.FromMinutes(3), o), o, Kathmandu));
    }

    private static Coaching.Domain.Courses.Cohort Cohort(Coaching.Domain.Courses.CohortState state, params string[] coaches) => new()
    {
        Id = "h1", CourseId = "k1", DisplayName = "January", TimeZoneId = "UTC", Capacity = 5, EnrolmentOpen = Nine - Duration.FromDays(9),
        EnrolmentClose = Nine, State = state, EnrolledCount = 0, WaitlistCount = 0, CreateTime = Nine, UpdateTime = Nine, Version = 1, CoachIds = coaches,
        Sessions = [new(Nine, Duration.FromMinutes(90), "One"), new(Nine + Duration.FromDays(7), Duration.FromMinutes(60), "Two")],
    };

    [Theory]
    [InlineData(-65, false)] // the booking's buffered block ends exactly at 09:00
    [InlineData(-60, true)]
    [InlineData(85, true)]
    [InlineData(100, false)] // starts 10:40 with a 10-minute buffer: touches 10:30
    public void CohortSessions_ShareCellsWithAnOverlappingBookingOfTheSameCoachOnly(int offsetMinutes, bool shared)
    {
        var o = Offering(60, 10, 5);
        var booking = ClaimKeys.For(At(Nine + Duration.FromMinutes(offsetMinutes), o), o, Kathmandu).Cells;

        Assert.Equal(shared, Cohort(Coaching.Domain.Courses.CohortState.Open, "c1", "c2").TimeClaims.Intersect(booking).Any());
        Assert.Empty(Cohort(Coaching.Domain.Courses.CohortState.Open, "c2").TimeClaims.Intersect(booking));
    }

    [Fact]
    public void CohortClaims_EveryCoachEverySessionCell_NoneOnceCancelled()
    {
        var open = Cohort(Coaching.Domain.Courses.CohortState.Draft, "c1", "c2").TimeClaims;

        Assert.Equal(2 * (18 + 12), open.Count);
        Assert.Equal(open.Count, open.Distinct().Count());
        Assert.Empty(Cohort(Coaching.Domain.Courses.CohortState.Cancelled, "c1", "c2").TimeClaims);
    }

    [Fact]
    public void PickSeats_FirstFreeSeatPerFamily_OrTheFullFamily()
    {
        CapFamily day = new("o1|day|2026-12-07", 2), week = new("o1|week|2026-W50", 3);

        var (seats, full) = ClaimKeys.PickSeats([day, week], new HashSet<string> { "o1|day|2026-12-07|0", "o1|week|2026-W50|1" });
        var (none, which) = ClaimKeys.PickSeats([day, week], new HashSet<string> { "o1|day|2026-12-07|0", "o1|day|2026-12-07|1" });

        Assert.Equal(["o1|day|2026-12-07|1", "o1|week|2026-W50|0"], seats);
        Assert.Null(full);
        Assert.Null(none);
        Assert.Equal(day, which);
    }
}
