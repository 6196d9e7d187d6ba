
namespace Coaching.Domain.Common;

/// <summary>The outcome of an idempotent insert.</summary>
/// <typeparam name="T">Stored entity.</typeparam>
/// <param name="Value">The stored entity: the new one, or the one created first under the same key.</param>
/// <param name="Created">False when the key existed and <paramref name="Value"/> is the original.</param>
/// <param name="Fingerprint">Fingerprint stored with the original, for retries.</param>
public sealed record CreateResult<T>(T Value, bool Created, string? Fingerprint);
