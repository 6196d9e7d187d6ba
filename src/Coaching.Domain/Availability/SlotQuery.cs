using Coaching.Domain.Coaches;
using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>What the calculator needs to know about one coach and one offering.</summary>
/// <param name="Zone">The coach's time zone.</param>
/// <param name="Schedule">Weekly hours.</param>
/// <param name="Overrides">Overrides touching the range (any order; the latest created wins per date).</param>
/// <param name="Offering">The offering slots are for.</param>
/// <param name="Busy">Committed time touching the range (any order, may overlap), plus this offering's bookings in the
/// weeks around it for caps.</param>
public sealed record SlotQuery(
    DateTimeZone Zone,
    WeeklySchedule Schedule,
    IReadOnlyList<DateOverride> Overrides,
    Offering Offering,
    IReadOnlyList<BusyInterval> Busy);
