namespace Coaching.Domain.Common;

/// <summary>Small text rules shared by validators.</summary>
public static class Text
{
    /// <summary>Longest excerpt of a caller's value an error message may echo, in UTF-16 code units.</summary>
    public const int ExcerptLength = 64;

    /// <summary>
    /// At most <paramref name="max"/> characters of <paramref name="value"/>, followed by an ellipsis when cut; never
    /// ends inside a surrogate pair. Every echo of a caller's value in an error goes through this.
    /// </summary>
    public static string Excerpt(string? value, int max = ExcerptLength)
    {
        var text = value ?? string.Empty;
        if (text.Length <= max)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return string.Concat(text.AsSpan(0, cut), "…");
    }

    /// <summary>True when <paramref name="value"/> has a control character (newline, tab, NUL, …).</summary>
    public static bool HasControl(string value) => value.Any(char.IsControl);

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Checks a single-line name: trimmed length within bounds, no control characters.</summary>
    public static void SingleLine(this Violations violations, string? value, string field, int min, int max)
    {
        var text = value ?? string.Empty;
        violations.Text(text.Trim(), field, min, max);
        violations.Require(!HasControl(text), field, "must be a single line without control characters");
        violations.Require(!HasLoneSurrogate(text), field, "must be valid Unicode text");
    }

    /// <summary>Checks free text: length within bounds, valid Unicode, no control characters other than line breaks and tabs.</summary>
    public static void FreeText(this Violations violations, string? value, string field, int max)
    {
        var text = value ?? string.Empty;
        violations.Text(text, field, 0, max);
        violations.Require(!text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')), field,
            "must not contain control characters other than line breaks and tabs");
        violations.Require(!HasLoneSurrogate(text), field, "must be valid Unicode text");
    }
}
