using Coaching.Domain.Coaches;
using NodaTime;
using NodaTime.Text;

namespace Coaching.Domain.Bookings;

/// <summary>
/// The claims an active booking holds. Time is claimed in 5-minute cells of the blocked interval
/// (<c>"{coach}|{unix minute / 5}"</c>); offerings keep durations and buffers on that grid and starts lie on it, so
/// bookings that merely touch never share a cell while any overlap shares at least one. Caps are claimed as
/// seats per coach-local day and ISO week of the offering.
/// </summary>
public static class ClaimKeys
{
    private static readonly LocalDatePattern Date = LocalDatePattern.Iso;

    /// <summary>The claims of <paramref name="booking"/> under <paramref name="offering"/>'s caps.</summary>
    /// <exception cref="InvalidOperationException">When the blocked time is off the 5-minute grid (a bug upstream).</exception>
    public static BookingClaims For(Booking booking, Offering offering, DateTimeZone coachZone)
    {
        const long cell = Offering.CellMinutes;
        var first = booking.BlockStart.ToUnixTimeTicks() / NodaConstants.TicksPerMinute;
        var last = booking.BlockEnd.ToUnixTimeTicks() / NodaConstants.TicksPerMinute;
        if (first % cell != 0 || last % cell != 0 || booking.BlockStart.ToUnixTimeTicks() % NodaConstants.TicksPerMinute != 0)
        {
            throw new InvalidOperationException($"Blocked time of {booking.Name} is not on the {cell}-minute grid.");
        }

        var cells = new List<string>();
        for (var minute = first; minute < last; minute += cell)
        {
            cells.Add($"{booking.CoachId}|{minute / cell}");
        }

        var caps = new List<CapFamily>();
        var date = booking.Start.InZone(coachZone).Date;
        if (offering.DailyCap > 0)
        {
            caps.Add(new CapFamily($"{offering.Id}|day|{Date.Format(date)}", offering.DailyCap, "BOOKING_LIMIT_REACHED"));
        }

        if (offering.WeeklyCap > 0)
        {
            var (year, week) = Availability.SlotCalculator.IsoWeek(date);
            caps.Add(new CapFamily($"{offering.Id}|week|{year}-W{week:D2}", offering.WeeklyCap, "BOOKING_LIMIT_REACHED"));
        }

        return new BookingClaims(cells, caps);
    }

    /// <summary>Every possible seat key of a family, in seat order.</summary>
    public static IEnumerable<string> Seats(CapFamily family) => Enumerable.Range(0, family.Capacity).Select(k => $"{family.Prefix}|{k}");
}
