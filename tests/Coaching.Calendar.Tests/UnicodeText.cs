using System.Text;
using CsCheck;

namespace Coaching.Calendar.Tests;

/// <summary>
/// Arbitrary Unicode text as callers may send it (after validation: valid scalar values, no control characters
/// other than tab and line breaks): every plane, combining marks, emoji with modifiers, ZWJ sequences, flags,
/// CR/LF, and the characters iCalendar escapes or quotes.
/// </summary>
internal static class UnicodeText
{
    private static readonly string[] Pieces =
    [
        "\r\n", "\n", "\r", "\t", ";", ",", "\\", ":", "\"", " ", "^", "'",
        "👩‍👩‍👧‍👦", "🏳️‍🌈", "👍🏽", "🇬🇧", "🧑🏿‍💻", "e\u0301", "a\u0308\u0323", "क्षि", "각", "😀",
        string.Concat(Enumerable.Repeat("Z\u0351\u0352\u0353", 12)), // one cluster longer than a line
    ];

    private static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.Int[0x20, 0x7E],
        Gen.Int[0xA0, 0xD7FF],
        Gen.Int[0xE000, 0xFFFD],
        Gen.Int[0x10000, 0x10FFFF],
        Gen.Int[0x0300, 0x036F],
        Gen.Int[0x1F300, 0x1FAFF]).Select(cp => char.ConvertFromUtf32(cp));

    /// <summary>Text of up to <paramref name="maxPieces"/> pieces.</summary>
    public static Gen<string> Text(int maxPieces) =>
        Gen.Frequency((3, Scalar), (1, Gen.Int[0, Pieces.Length - 1].Select(i => Pieces[i]))).Array[0, maxPieces].Select(parts => string.Concat(parts));

    /// <summary>What a reader should see for a property value: line breaks as LF.</summary>
    public static string AsRead(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>True when every physical line decodes as strict UTF-8.</summary>
    public static bool LinesAreStrictUtf8(byte[] bytes)
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var start = 0;
        for (var i = 0; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n')
            {
                try
                {
                    strict.GetString(bytes, start, i - start);
                }
                catch (DecoderFallbackException)
                {
                    return false;
                }

                start = i + 2;
            }
        }

        return start == bytes.Length;
    }
}
