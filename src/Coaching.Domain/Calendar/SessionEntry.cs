using NodaTime;

namespace Coaching.Domain.Calendar;

/// <summary>Everything a calendar entry for one session says.</summary>
public sealed record SessionEntry(
    string Uid,
    int Sequence,
    Instant Start,
    Instant End,
    string Summary,
    string Description,
    string OrganizerName,
    string OrganizerEmail,
    string AttendeeName,
    string AttendeeEmail,
    SessionStatus Status,
    Instant Stamp)
{
    /// <summary>Where it happens (for an online session, its join link); empty when nowhere in particular.</summary>
    public string Location { get; init; } = string.Empty;
}
