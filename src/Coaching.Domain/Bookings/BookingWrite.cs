namespace Coaching.Domain.Bookings;

/// <summary>What a store did with a booking write; the use case turns refusals into errors.</summary>
public abstract record BookingWrite
{
    private BookingWrite()
    {
    }

    /// <summary>Stored as given.</summary>
    public sealed record Stored(Booking Booking) : BookingWrite;

    /// <summary>The create's request key was used before: the original and the fingerprint stored with it.</summary>
    public sealed record RequestSeen(Booking Original, string Fingerprint) : BookingWrite;

    /// <summary>Another commitment holds a cell of the time; nothing changed.</summary>
    public sealed record SlotTaken : BookingWrite;

    /// <summary>A cap family has no free seat; nothing changed.</summary>
    public sealed record CapFull(CapFamily Family) : BookingWrite;

    /// <summary>The booking is at another version than expected; nothing changed.</summary>
    public sealed record Stale : BookingWrite;

    /// <summary>There is no such booking.</summary>
    public sealed record Missing : BookingWrite;
}
