
namespace Coaching.Domain.Common;

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
