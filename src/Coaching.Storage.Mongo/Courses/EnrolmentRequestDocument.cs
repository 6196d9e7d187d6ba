namespace Coaching.Storage.Mongo.Courses;

/// <summary>
/// The claim of one enrolment request id, keyed by (caller scope, request id) across every cohort, written before the
/// cohort update so a request id means one thing everywhere: a retry finds the claim, a reuse with other content is
/// told apart by the fingerprint, and a claim whose cohort update never happened (a crash between the two writes) is
/// completed by the next retry with the enrolment id it recorded.
/// </summary>
public sealed class EnrolmentRequestDocument
{
    public const string Collection = "enrolment_requests";

    /// <summary><c>{scope}\n{request id}</c>; the primary key is the uniqueness.</summary>
    public string Id { get; set; } = string.Empty;

    public string Fingerprint { get; set; } = string.Empty;

    public string CourseId { get; set; } = string.Empty;

    public string CohortId { get; set; } = string.Empty;

    public string EnrolmentId { get; set; } = string.Empty;

    public DateTime CreateTime { get; set; }

    public static string KeyOf(Domain.Common.IdempotencyKey key) => $"{key.Scope}\n{key.RequestId}";
}
