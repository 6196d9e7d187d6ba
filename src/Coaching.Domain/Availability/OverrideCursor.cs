using Coaching.Domain.Common;
using NodaTime;
using NodaTime.Text;

namespace Coaching.Domain.Availability;

/// <summary>Where a date-override list page ends: the last override's start date and id (the list order).</summary>
public readonly record struct OverrideCursor(LocalDate StartDate, string Id)
{
    /// <summary>The cursor after <paramref name="dateOverride"/>.</summary>
    public static OverrideCursor After(DateOverride dateOverride) => new(dateOverride.StartDate, dateOverride.Id);

    /// <summary>The text kept inside a page token.</summary>
    public string Format() => $"{LocalDatePattern.Iso.Format(StartDate)}|{Id}";

    /// <summary>Reads a cursor that <see cref="Format"/> wrote.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on page_token otherwise.</exception>
    public static OverrideCursor Parse(string text)
    {
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && bar < text.Length - 1 && LocalDatePattern.Iso.Parse(text[..bar]) is { Success: true } date
            ? new OverrideCursor(date.Value, text[(bar + 1)..])
            : Fail.Invalid<OverrideCursor>("page_token", "is not a token returned by this list");
    }
}
