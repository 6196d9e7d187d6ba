
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
