
namespace Coaching.Domain.Calendar;

/// <summary>Whether a session is on, tentative (awaiting the coach) or off, as calendars show it.</summary>
public enum SessionStatus
{
    /// <summary>STATUS:CONFIRMED.</summary>
    Confirmed,

    /// <summary>STATUS:TENTATIVE.</summary>
    Tentative,

    /// <summary>STATUS:CANCELLED.</summary>
    Cancelled,
}
