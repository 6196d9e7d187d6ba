
namespace Coaching.Domain.Courses;

/// <summary>The list order of enrolments: enrolled by arrival, then the waitlist by arrival, then withdrawn by arrival.</summary>
public static class EnrolmentOrder
{
    /// <summary>A sortable key; the stores order by the same (state, arrival, id).</summary>
    public static string Key(Enrolment e) =>
        $"{(int)e.State}|{e.Arrival.ToString("D19", System.Globalization.CultureInfo.InvariantCulture)}|{e.Id}";

    /// <summary>True when <paramref name="key"/> has the shape <see cref="Key"/> produces.</summary>
    public static bool IsKey(string key)
    {
        var parts = key.Split('|');
        return parts.Length == 3 && parts[0] is "1" or "2" or "3" && parts[1].Length == 19 && parts[1].All(char.IsAsciiDigit) && parts[2].Length > 0;
    }
}
