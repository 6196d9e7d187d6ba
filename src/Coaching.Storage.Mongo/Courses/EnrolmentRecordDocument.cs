using Coaching.Domain.Courses;
using NodaTime;

namespace Coaching.Storage.Mongo.Courses;

/// <summary>
/// A withdrawn enrolment, kept in <c>enrolment_records</c> once it has left its cohort document. Only a record: the seat
/// decisions stay single-document writes on the cohort, and a cohort document no longer grows with every withdrawal.
/// </summary>
public sealed class EnrolmentRecordDocument
{
    public const string Collection = "enrolment_records";

    public string Id { get; set; } = string.Empty;

    public string CourseId { get; set; } = string.Empty;

    public string CohortId { get; set; } = string.Empty;

    public EntryDocument Entry { get; set; } = new();

    public static EnrolmentRecordDocument From(CohortDocument cohort, EntryDocument entry) =>
        new() { Id = entry.Id, CourseId = cohort.CourseId, CohortId = cohort.Id, Entry = entry };

    public Enrolment ToDomain() => new()
    {
        Id = Id, CourseId = CourseId, CohortId = CohortId, ClientId = Entry.Client, ClientName = Entry.ClientName, ClientEmail = Entry.ClientEmail,
        State = EnrolmentState.Withdrawn, Arrival = Entry.Arrival, WaitlistPosition = 0,
        CreateTime = Instant.FromDateTimeUtc(Entry.CreateTime), UpdateTime = Instant.FromDateTimeUtc(Entry.UpdateTime), Version = Entry.Version,
    };
}
