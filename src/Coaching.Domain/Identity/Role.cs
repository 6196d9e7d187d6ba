namespace Coaching.Domain.Identity;

/// <summary>What a caller is allowed to do, taken from their token.</summary>
public enum Role
{
    /// <summary>Books calls and enrols in cohorts for themself.</summary>
    Client,

    /// <summary>Manages one coach's profile, offerings, availability and sessions.</summary>
    Coach,

    /// <summary>Manages everything.</summary>
    Admin,
}
