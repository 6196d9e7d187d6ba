
namespace Coaching.Domain.Availability;

/// <summary>Whether one start is bookable, and if not, the first rule that refuses it.</summary>
public enum SlotVerdict
{
    /// <summary>Bookable.</summary>
    Open,

    /// <summary>Not inside published hours, or not on the slot grid.</summary>
    OutsideAvailability,

    /// <summary>Sooner than the minimum notice.</summary>
    NoticeTooShort,

    /// <summary>Beyond the booking horizon.</summary>
    BeyondHorizon,

    /// <summary>Overlaps committed time.</summary>
    Taken,

    /// <summary>A daily or weekly cap is reached.</summary>
    LimitReached,
}
