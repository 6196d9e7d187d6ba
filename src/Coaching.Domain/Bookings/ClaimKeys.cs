using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
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
        var cells = Cells(booking.CoachId, booking.BlockStart, booking.BlockEnd).ToList();

        var caps = new List<CapFamily>();
        var date = booking.Start.InZone(coachZone).Date;
        if (offering.DailyCap > 0)
        {
            caps.Add(new CapFamily($"{offering.Id}|day|{Date.Format(date)}", offering.DailyCap));
        }

        if (offering.WeeklyCap > 0)
        {
            var (year, week) = IsoWeeks.Of(date);
            caps.Add(new CapFamily($"{offering.Id}|week|{year}-W{week:D2}", offering.WeeklyCap));
        }

        return new BookingClaims(cells, caps);
    }

    /// <summary>The cell keys of <paramref name="coachId"/>'s time <c>[start, end)</c>, both on the 5-minute grid.</summary>
    /// <exception cref="InvalidOperationException">When a bound is off the grid.</exception>
    public static IEnumerable<string> Cells(string coachId, Instant start, Instant end)
    {
        const long cell = Offering.CellMinutes;
        const long ticksPerCell = cell * NodaConstants.TicksPerMinute;
        if (start.ToUnixTimeTicks() % ticksPerCell != 0 || end.ToUnixTimeTicks() % ticksPerCell != 0)
        {
            throw new InvalidOperationException($"Time {start}..{end} of coach {coachId} is not on the {cell}-minute grid.");
        }

        for (var index = start.ToUnixTimeTicks() / ticksPerCell; index < end.ToUnixTimeTicks() / ticksPerCell; index++)
        {
            yield return $"{coachId}|{index}";
        }
    }

    /// <summary>
    /// The seat to take in each family: the first one not in <paramref name="held"/>. Null, with the full family, when one has none
    /// left. Stores call this with the seats held at the moment of their write, so both stores choose alike.
    /// </summary>
    public static (IReadOnlyList<string>? Seats, CapFamily? Full) PickSeats(IReadOnlyList<CapFamily> caps, IReadOnlySet<string> held)
    {
        var seats = new List<string>(caps.Count);
        foreach (var family in caps)
        {
            if (Seats(family).FirstOrDefault(seat => !held.Contains(seat)) is not { } free)
            {
                return (null, family);
            }

            seats.Add(free);
        }

        return (seats, null);
    }

    /// <summary>Every possible seat key of a family, in seat order.</summary>
    public static IEnumerable<string> Seats(CapFamily family) => Enumerable.Range(0, family.Capacity).Select(k => $"{family.Prefix}|{k}");
}
