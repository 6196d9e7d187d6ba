using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Coaching.Domain.Common;

/// <summary>
/// A validated page request: a size within bounds and the cursor (last id of the previous page) decoded
/// from an opaque token bound to the list's filter, so a token cannot be replayed with other filters.
/// </summary>
/// <param name="Size">Items to return, 1..max.</param>
/// <param name="After">Return items whose sort key is strictly after this one; null for the first page.</param>
public sealed record PageRequest(int Size, string? After)
{
    /// <summary>Default page size when the caller sends 0.</summary>
    public const int DefaultSize = 50;

    /// <summary>Largest page size accepted.</summary>
    public const int MaxSize = 200;

    /// <summary>Validates size and token.</summary>
    /// <param name="pageSize">Requested size; 0 means the default.</param>
    /// <param name="pageToken">Opaque token from a previous page, or empty.</param>
    /// <param name="filter">A canonical string of every filter of the list call.</param>
    /// <param name="defaultSize">Default page size.</param>
    /// <param name="maxSize">Maximum page size.</param>
    /// <exception cref="DomainException">INVALID_ARGUMENT naming page_size or page_token.</exception>
    public static PageRequest Parse(int pageSize, string? pageToken, string filter,
        int defaultSize = DefaultSize, int maxSize = MaxSize)
    {
        if (pageSize < 0 || pageSize > maxSize)
        {
            Fail.Invalid("page_size", $"must be between 0 and {maxSize}");
        }

        var size = pageSize == 0 ? defaultSize : pageSize;
        if (string.IsNullOrEmpty(pageToken))
        {
            return new PageRequest(size, null);
        }

        var after = PageToken.Decode(pageToken, filter);
        return new PageRequest(size, after);
    }
}

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

/// <summary>One page of results.</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Items">Items in list order.</param>
/// <param name="NextPageToken">Token for the next page, or empty on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string NextPageToken);

/// <summary>Builds pages.</summary>
public static class Page
{
    /// <summary>
    /// Builds a page from up to <c>size + 1</c> fetched items: the extra item only signals that a next page exists.
    /// </summary>
    public static Page<T> FromFetched<T>(IReadOnlyList<T> fetched, PageRequest request, Func<T, string> key, string filter)
    {
        if (fetched.Count <= request.Size)
        {
            return new Page<T>(fetched, string.Empty);
        }

        var items = fetched.Take(request.Size).ToList();
        return new Page<T>(items, PageToken.Encode(key(items[^1]), filter));
    }
}
