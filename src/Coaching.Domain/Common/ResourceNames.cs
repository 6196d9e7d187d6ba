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
