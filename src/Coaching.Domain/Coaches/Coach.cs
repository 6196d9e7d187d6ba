using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Coaches;

/// <summary>
/// A coach's profile. Invariants (checked by <see cref="Create"/> and <see cref="Apply"/>): display name
/// 1..200 characters on one line, a plausible e-mail, at most 20 normalised distinct specialties, and a
/// time zone id known to the TZDB. <see cref="Version"/> grows by one with every stored change and is the etag.
/// </summary>
public sealed record Coach
{
    /// <summary>Most specialties a coach may list.</summary>
    public const int MaxSpecialties = 20;

    /// <summary>Resource id (the last segment of <c>coaches/{id}</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Name shown to clients.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Free-text biography.</summary>
    public required string Bio { get; init; }

    /// <summary>Contact address; the ORGANIZER of invites.</summary>
    public required string Email { get; init; }

    /// <summary>Normalised specialty tags, distinct, in the order given.</summary>
    public required IReadOnlyList<string> Specialties { get; init; }

    /// <summary>IANA zone id of the coach's weekly hours.</summary>
    public required string TimeZoneId { get; init; }

    /// <summary>Whether the coach takes new bookings.</summary>
    public required bool Active { get; init; }

    /// <summary>When the coach was created.</summary>
    public required Instant CreateTime { get; init; }

    /// <summary>When the coach last changed.</summary>
    public required Instant UpdateTime { get; init; }

    /// <summary>Stored version, starting at 1.</summary>
    public required long Version { get; init; }

    /// <summary>The coach's time zone.</summary>
    public DateTimeZone TimeZone => DateTimeZoneProviders.Tzdb[TimeZoneId];

    /// <summary>The resource name.</summary>
    public string Name => ResourceNames.Coach(Id);

    /// <summary>The etag derived from <see cref="Version"/>.</summary>
    public string Etag => Etags.Of(Version);

    /// <summary>Validates a draft and builds a new coach (version 1).</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT listing every invalid field.</exception>
    public static Coach Create(string id, CoachDraft draft, Instant now)
    {
        var coach = new Coach
        {
            Id = id,
            DisplayName = (draft.DisplayName ?? string.Empty).Trim(),
            Bio = draft.Bio ?? string.Empty,
            Email = (draft.Email ?? string.Empty).Trim(),
            Specialties = Specialty.NormaliseAll(draft.Specialties ?? []),
            TimeZoneId = draft.TimeZoneId ?? string.Empty,
            Active = draft.Active ?? true,
            CreateTime = now,
            UpdateTime = now,
            Version = 1,
        };
        Validate(coach, draft.Specialties ?? [], "coach");
        return coach;
    }

    /// <summary>Applies the given changes (null members stay unchanged) and validates the result.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT listing every invalid field.</exception>
    public Coach Apply(CoachDraft changes, Instant now)
    {
        var updated = this with
        {
            DisplayName = changes.DisplayName?.Trim() ?? DisplayName,
            Bio = changes.Bio ?? Bio,
            Email = changes.Email?.Trim() ?? Email,
            Specialties = changes.Specialties is null ? Specialties : Specialty.NormaliseAll(changes.Specialties),
            TimeZoneId = changes.TimeZoneId ?? TimeZoneId,
            Active = changes.Active ?? Active,
            UpdateTime = now,
        };
        Validate(updated, changes.Specialties ?? [], "coach");
        return updated;
    }

    private static void Validate(Coach coach, IReadOnlyList<string> rawSpecialties, string prefix)
    {
        var v = new Violations();
        v.SingleLine(coach.DisplayName, $"{prefix}.display_name", 1, 200);
        v.FreeText(coach.Bio, $"{prefix}.bio", 5000);
        v.Require(EmailAddress.IsPlausible(coach.Email), $"{prefix}.email", "must be an e-mail address like name@example.org");
        Specialty.Validate(v, rawSpecialties, $"{prefix}.specialties");
        v.Require(coach.Specialties.Count <= MaxSpecialties, $"{prefix}.specialties", $"at most {MaxSpecialties} distinct specialties");
        v.Require(DateTimeZoneProviders.Tzdb.GetZoneOrNull(coach.TimeZoneId) is not null, $"{prefix}.time_zone",
            coach.TimeZoneId.Length == 0 ? "is required" : $"'{Text.Excerpt(coach.TimeZoneId)}' is not an IANA time zone id");
        v.ThrowIfAny();
    }

    /// <summary>Refuses slots and bookings while the coach is inactive.</summary>
    /// <exception cref="DomainException">FAILED_PRECONDITION COACH_INACTIVE.</exception>
    public void EnsureTakesBookings()
    {
        if (!Active)
        {
            throw Fail.Precondition("COACH_INACTIVE", $"{Name} does not take bookings at the moment.", Name);
        }
    }
}
