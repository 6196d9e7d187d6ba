using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Coaching.Domain.Common;

/// <summary>Opaque page tokens: base64url of a filter hash and the last key returned.</summary>
public static class PageToken
{
    private const string Version = "p1";

    /// <summary>Encodes the cursor after <paramref name="lastKey"/> for a list with <paramref name="filter"/>.</summary>
    public static string Encode(string lastKey, string filter) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Version}|{FilterHash(filter)}|{lastKey}"));

    /// <summary>Decodes a token, checking it belongs to a list with the same filter.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on page_token when malformed or for another filter.</exception>
    public static string Decode(string token, string filter)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            return Fail.Invalid<string>("page_token", "is not a token returned by this list");
        }

        var parts = text.Split('|', 3);
        if (parts.Length != 3 || parts[0] != Version || parts[2].Length == 0)
        {
            return Fail.Invalid<string>("page_token", "is not a token returned by this list");
        }

        if (parts[1] != FilterHash(filter))
        {
            return Fail.Invalid<string>("page_token", "was issued for a list with other filters");
        }

        return parts[2];
    }

    private static string FilterHash(string filter) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(filter)).AsSpan(0, 8));
}
