namespace Coaching.Domain.Common;

/// <summary>
/// Parses and formats AIP-122 resource names (<c>coaches/{coach}</c>, <c>coaches/{coach}/offerings/{offering}</c>).
/// Parsing fails with INVALID_ARGUMENT naming the request field.
/// </summary>
public static class ResourceNames
{
    /// <summary><c>coaches/{id}</c>.</summary>
    public static string Coach(string coachId) => $"coaches/{coachId}";

    /// <summary><c>coaches/{coach}/offerings/{offering}</c>.</summary>
    public static string Offering(string coachId, string offeringId) => $"coaches/{coachId}/offerings/{offeringId}";

    /// <summary><c>users/{id}</c>.</summary>
    public static string User(string userId) => $"users/{userId}";

    /// <summary><c>coaches/{coach}/weeklySchedule</c>.</summary>
    public static string WeeklySchedule(string coachId) => $"coaches/{coachId}/weeklySchedule";

    /// <summary><c>coaches/{coach}/dateOverrides/{override}</c>.</summary>
    public static string DateOverride(string coachId, string overrideId) => $"coaches/{coachId}/dateOverrides/{overrideId}";

    /// <summary><c>bookings/{id}</c>.</summary>
    public static string Booking(string bookingId) => $"bookings/{bookingId}";

    /// <summary><c>courses/{id}</c>.</summary>
    public static string Course(string courseId) => $"courses/{courseId}";

    /// <summary><c>courses/{course}/cohorts/{cohort}</c>.</summary>
    public static string Cohort(string courseId, string cohortId) => $"courses/{courseId}/cohorts/{cohortId}";

    /// <summary><c>courses/{course}/cohorts/{cohort}/enrolments/{enrolment}</c>.</summary>
    public static string Enrolment(string courseId, string cohortId, string enrolmentId) => $"{Cohort(courseId, cohortId)}/enrolments/{enrolmentId}";

    /// <summary>Parses an optional <c>users/{user}</c> (user ids up to 128 characters): null when empty.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on <paramref name="field"/>.</exception>
    public static string? ParseOptionalUser(string? name, string field)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var parts = name.Split('/');
        return parts.Length == 2 && parts[0] == "users" && parts[1].Length is > 0 and <= 128
            ? parts[1]
            : Fail.Invalid<string>(field, "must have the form users/{user}");
    }

    /// <summary>Parses <c>coaches/{coach}</c>.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on <paramref name="field"/>.</exception>
    public static string ParseCoach(string? name, string field)
    {
        var parts = Split(name, field, 2);
        Expect(parts[0] == "coaches", field, "coaches/{coach}");
        return parts[1];
    }

    /// <summary>Parses <c>coaches/{coach}/offerings/{offering}</c>.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on <paramref name="field"/>.</exception>
    public static (string CoachId, string OfferingId) ParseOffering(string? name, string field)
    {
        var parts = Split(name, field, 4);
        Expect(parts[0] == "coaches" && parts[2] == "offerings", field, "coaches/{coach}/offerings/{offering}");
        return (parts[1], parts[3]);
    }

    private static string[] Split(string? name, string field, int segments)
    {
        if (string.IsNullOrEmpty(name))
        {
            Fail.Invalid(field, "is required");
        }

        var parts = name.Split('/');
        if (parts.Length != segments || parts.Any(p => p.Length == 0 || p.Length > 64))
        {
            Fail.Invalid(field, $"'{Text.Excerpt(name)}' is not a valid resource name");
        }

        return parts;
    }

    private static void Expect(bool ok, string field, string pattern)
    {
        if (!ok)
        {
            Fail.Invalid(field, $"must have the form {pattern}");
        }
    }
}
