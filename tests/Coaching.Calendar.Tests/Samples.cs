using Coaching.Domain.Calendar;
using NodaTime;

namespace Coaching.Calendar.Tests;

/// <summary>Fixed sessions for golden files and interop checks.</summary>
internal static class Samples
{
    public static readonly Instant Stamp = Instant.FromUtc(2026, 11, 30, 8, 0);

    public static SessionEntry Session(int sequence = 0, SessionStatus status = SessionStatus.Confirmed, int startHour = 9) => new(
        "booking-01kbz4m7e0m4k3v6qz2c1f9r8a@coaching",
        sequence,
        Instant.FromUtc(2026, 12, 7, startHour, 0),
        Instant.FromUtc(2026, 12, 7, startHour, 45),
        "Career coaching, 45 min",
        "I want to move from PMO analyst to project manager; CV review\\questions:\n1. Is my CV too long?",
        "Ada Lovelace",
        "ada@example.org",
        "Ann Client",
        "ann@example.org",
        status,
        Stamp);

    public static SessionEntry Hostile() => Session() with
    {
        Summary = "Coaching\r\nORGANIZER:mailto:evil@example.org\nEND:VEVENT;,\\ ",
        Description = string.Concat(Enumerable.Repeat("Résumé — 履歴書 🚀 संवाद; ", 12)) + "\nATTENDEE:mailto:x@y.z",
        OrganizerName = "Ada \"The Coach\"\r\nATTENDEE:mailto:evil@example.org",
        AttendeeName = "Zoë 🙂; O'Brien, Jr.\\",
    };
}
