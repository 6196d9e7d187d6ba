using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Coaching.Domain.Migration;

/// <summary>
/// An order-independent digest of a set of claim keys: the count and the sum (mod 2^64) of each key's 64-bit hash, so two
/// stores can be compared claim for claim while streaming, without holding millions of keys in memory.
/// </summary>
public readonly record struct ClaimDigest(long Count, ulong Sum)
{
    /// <summary>The digest of no claims.</summary>
    public static ClaimDigest Empty => default;

    /// <summary>This digest with <paramref name="claim"/> added.</summary>
    public ClaimDigest Add(string claim)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(claim), hash);
        return new(Count + 1, unchecked(Sum + BinaryPrimitives.ReadUInt64LittleEndian(hash)));
    }

    /// <summary>The digest of <paramref name="claims"/>.</summary>
    public static ClaimDigest Of(IEnumerable<string> claims) => claims.Aggregate(Empty, (digest, claim) => digest.Add(claim));
}
