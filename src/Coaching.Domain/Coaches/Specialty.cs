using Coaching.Domain.Common;

namespace Coaching.Domain.Coaches;

/// <summary>Specialty tags: free text, normalised so that "CV ", "cv" and "Cv" are one tag.</summary>
public static class Specialty
{
    /// <summary>Longest tag after normalisation.</summary>
    public const int MaxLength = 50;

    /// <summary>Lower-cases (invariant), trims and collapses inner whitespace to single spaces.</summary>
    public static string Normalise(string raw) =>
        string.Join(' ', raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    /// <summary>A specialty filter of a list or search: null when blank, else the normalised tag.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on <paramref name="field"/> when no tag could be that long.</exception>
    public static string? Filter(string? raw, string field)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        // Bounded before normalising, so a huge value costs nothing.
        var tag = raw.Length > 4 * MaxLength ? raw : Normalise(raw);
        if (tag.Length > MaxLength)
        {
            Fail.Invalid(field, $"must be at most {MaxLength} characters; no specialty is longer");
        }

        return tag;
    }

    /// <summary>Normalises every tag, dropping empties and duplicates, keeping first-seen order.</summary>
    public static IReadOnlyList<string> NormaliseAll(IEnumerable<string> raw) =>
        raw.Select(Normalise).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    internal static void Validate(Violations v, IReadOnlyList<string> raw, string field)
    {
        for (var i = 0; i < raw.Count; i++)
        {
            var tag = Normalise(raw[i]);
            if (tag.Length == 0 || tag.Length > MaxLength || Text.HasControl(tag))
            {
                v.Add($"{field}[{i}]", $"must be 1..{MaxLength} characters of text");
            }
        }
    }
}
