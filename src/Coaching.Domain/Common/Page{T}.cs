namespace Coaching.Domain.Common;

/// <summary>One page of results.</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Items">Items in list order.</param>
/// <param name="NextPageToken">Token for the next page, or empty on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string NextPageToken);
