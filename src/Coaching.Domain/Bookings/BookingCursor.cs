using System.Globalization;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Bookings;

/// <summary>Where a booking list page ends: the last booking's start and id (the list order).</summary>
public readonly record struct BookingCursor(Instant Start, string Id)
{
    /// <summary>The cursor after <paramref name="booking"/>.</summary>
    public static BookingCursor After(Booking booking) => new(booking.Start, booking.Id);

    /// <summary>The text kept inside a page token.</summary>
    public string Format() => $"{Start.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture)}|{Id}";

    /// <summary>Reads a cursor that <see cref="Format"/> wrote.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on page_token otherwise.</exception>
    public static BookingCursor Parse(string text)
    {
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && bar < text.Length - 1 && long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? new BookingCursor(Instant.FromUnixTimeTicks(ticks), text[(bar + 1)..])
            : Fail.Invalid<BookingCursor>("page_token", "is not a token returned by this list");
    }
}
