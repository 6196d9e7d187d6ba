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
}
