namespace Coaching.Domain.Common;

/// <summary>One invalid request field, named by its path in the API (e.g. <c>coach.time_zone</c>).</summary>
/// <param name="Field">Dotted path of the field in the request message.</param>
/// <param name="Description">Why the value is not accepted.</param>
public sealed record FieldViolation(string Field, string Description);
