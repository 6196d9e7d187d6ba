
namespace Coaching.Domain.Availability;

/// <summary>Why a coach-local date has or lacks slots.</summary>
public enum DayStatus
{
    /// <summary>At least one open slot.</summary>
    Available = 1,

    /// <summary>No published hours that day.</summary>
    NoHours = 2,

    /// <summary>Hours exist, but every start is taken, too soon or too far ahead.</summary>
    FullyBooked = 3,

    /// <summary>The offering's daily or weekly cap is reached.</summary>
    CapReached = 4,
}
