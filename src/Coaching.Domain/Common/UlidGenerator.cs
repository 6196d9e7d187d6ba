using System.Security.Cryptography;
using NodaTime;

namespace Coaching.Domain.Common;

/// <summary>
/// ULID-style ids: 48 bits of milliseconds from the injected clock followed by 80 random bits, so ids
/// sort roughly by creation time (stable list order) and cannot be guessed.
/// </summary>
public sealed class UlidGenerator(IClock clock) : IIdGenerator
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <inheritdoc />
    public string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        var millis = (ulong)clock.GetCurrentInstant().ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(millis & 0xFF);
            millis >>= 8;
        }

        RandomNumberGenerator.Fill(bytes[6..]);
        return Encode(bytes);
    }

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        // 128 bits -> 26 base32 digits (the first carries 3 bits).
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return string.Create(26, value, static (chars, v) =>
        {
            for (var i = 25; i >= 0; i--)
            {
                chars[i] = Alphabet[(int)(v & 31)];
                v >>= 5;
            }
        });
    }

    /// <summary>True when <paramref name="id"/> has the shape of an id this generator makes.</summary>
    public static bool IsWellFormed(string id) =>
        id.Length == 26 && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
