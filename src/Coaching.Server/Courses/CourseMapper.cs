using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Server.Mapping;
using Google.Protobuf.WellKnownTypes;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Courses;

/// <summary>Hand-written mapping of courses, cohorts and enrolments.</summary>
internal static class CourseMapper
{
    public static readonly IReadOnlySet<string> CohortWritable = new HashSet<string>
    {
        "display_name", "time_zone", "sessions", "coaches", "capacity", "enrolment_open_time", "enrolment_close_time", "state",
    };

    public static string ParseCourse(string? name, string field)
    {
        var parts = (name ?? string.Empty).Split('/');
        return parts.Length == 2 && parts[0] == "courses" && parts[1].Length is > 0 and <= 64 ? parts[1] : Fail.Invalid<string>(field, "must have the form courses/{course}");
    }

    public static (string? CourseId, string? CohortId) ParseCohort(string? name, string field, bool allowWildcard = false)
    {
        var parts = (name ?? string.Empty).Split('/');
        if (parts.Length != 4 || parts[0] != "courses" || parts[2] != "cohorts" || parts[1].Length == 0 || parts[3].Length == 0)
        {
            return Fail.Invalid<(string?, string?)>(field, "must have the form courses/{course}/cohorts/{cohort}");
        }

        if (parts[1] == "-" || parts[3] == "-")
        {
            return allowWildcard && parts[1] == "-" && parts[3] == "-" ? (null, null) : Fail.Invalid<(string?, string?)>(field, "wildcards are allowed only as courses/-/cohorts/-");
        }

        return (parts[1], parts[3]);
    }

    public static (string CourseId, string CohortId, string EnrolmentId) ParseEnrolment(string? name, string field)
    {
        var parts = (name ?? string.Empty).Split('/');
        return parts.Length == 6 && parts[0] == "courses" && parts[2] == "cohorts" && parts[4] == "enrolments" && parts.All(p => p.Length > 0)
            ? (parts[1], parts[3], parts[5])
            : Fail.Invalid<(string, string, string)>(field, "must have the form courses/{course}/cohorts/{cohort}/enrolments/{enrolment}");
    }

    public static CohortState? ToState(Proto.CohortState state, string field) => state switch
    {
        Proto.CohortState.Unspecified => null,
        Proto.CohortState.Draft => CohortState.Draft,
        Proto.CohortState.Open => CohortState.Open,
        Proto.CohortState.Closed => CohortState.Closed,
        Proto.CohortState.Cancelled => CohortState.Cancelled,
        _ => Fail.Invalid<CohortState?>(field, "is not a cohort state"),
    };

    public static EnrolmentState? ToState(Proto.EnrolmentState state, string field) => state switch
    {
        Proto.EnrolmentState.Unspecified => null,
        Proto.EnrolmentState.Enrolled => EnrolmentState.Enrolled,
        Proto.EnrolmentState.Waitlisted => EnrolmentState.Waitlisted,
        Proto.EnrolmentState.Withdrawn => EnrolmentState.Withdrawn,
        _ => Fail.Invalid<EnrolmentState?>(field, "is not an enrolment state"),
    };

    public static CohortDraft ToDraft(Proto.Cohort? cohort, IReadOnlySet<string> paths)
    {
        if (cohort is null)
        {
            return Fail.Invalid<CohortDraft>("cohort", "is required");
        }

        return new CohortDraft(
            paths.Contains("display_name") ? cohort.DisplayName : null,
            paths.Contains("time_zone") ? cohort.TimeZone : null,
            paths.Contains("sessions") ? [.. cohort.Sessions.Select((s, i) => new CohortSession(
                TimeMapping.ToInstant(s.StartTime, $"cohort.sessions[{i}].start_time"),
                TimeMapping.ToDuration(s.Duration, $"cohort.sessions[{i}].duration") ?? NodaTime.Duration.Zero, s.Title))] : null,
            paths.Contains("coaches") ? [.. cohort.Coaches.Select((c, i) => ResourceNames.ParseCoach(c, $"cohort.coaches[{i}]"))] : null,
            paths.Contains("capacity") ? cohort.Capacity : null,
            paths.Contains("enrolment_open_time") ? TimeMapping.ToInstant(cohort.EnrolmentOpenTime, "cohort.enrolment_open_time") : null,
            paths.Contains("enrolment_close_time") ? TimeMapping.ToInstant(cohort.EnrolmentCloseTime, "cohort.enrolment_close_time") : null,
            paths.Contains("state") ? ToState(cohort.State, "cohort.state") : null);
    }

    public static CohortDraft ToNewCohort(Proto.Cohort? cohort)
    {
        var paths = new HashSet<string>(CohortWritable);
        if (cohort is not null && cohort.EnrolmentOpenTime is null)
        {
            paths.Remove("enrolment_open_time");
        }

        if (cohort is not null && cohort.EnrolmentCloseTime is null)
        {
            paths.Remove("enrolment_close_time");
        }

        return ToDraft(cohort, paths);
    }

    public static Proto.Course ToProto(Course c) => new()
    {
        Name = c.Name, Title = c.Title, Description = c.Description, Outcomes = { c.Outcomes }, SessionCount = c.SessionCount,
        CreateTime = TimeMapping.ToTimestamp(c.CreateTime), UpdateTime = TimeMapping.ToTimestamp(c.UpdateTime), Etag = c.Etag,
    };

    public static Proto.Cohort ToProto(Cohort c) => new()
    {
        Name = c.Name,
        DisplayName = c.DisplayName,
        TimeZone = c.TimeZoneId,
        Sessions = { c.Sessions.Select(s => new Proto.CohortSession { StartTime = TimeMapping.ToTimestamp(s.Start), Duration = TimeMapping.ToProto(s.Duration), Title = s.Title }) },
        Coaches = { c.CoachIds.Select(ResourceNames.Coach) },
        Capacity = c.Capacity,
        EnrolmentOpenTime = TimeMapping.ToTimestamp(c.EnrolmentOpen),
        EnrolmentCloseTime = TimeMapping.ToTimestamp(c.EnrolmentClose),
        State = c.State switch
        {
            CohortState.Draft => Proto.CohortState.Draft,
            CohortState.Open => Proto.CohortState.Open,
            CohortState.Closed => Proto.CohortState.Closed,
            _ => Proto.CohortState.Cancelled,
        },
        EnrolledCount = c.EnrolledCount,
        SeatsLeft = c.SeatsLeft,
        WaitlistCount = c.WaitlistCount,
        CreateTime = TimeMapping.ToTimestamp(c.CreateTime),
        UpdateTime = TimeMapping.ToTimestamp(c.UpdateTime),
        Etag = c.Etag,
    };

    public static Proto.Enrolment ToProto(Enrolment e) => new()
    {
        Name = e.Name,
        Client = ResourceNames.User(e.ClientId),
        State = e.State switch
        {
            EnrolmentState.Enrolled => Proto.EnrolmentState.Enrolled,
            EnrolmentState.Waitlisted => Proto.EnrolmentState.Waitlisted,
            _ => Proto.EnrolmentState.Withdrawn,
        },
        WaitlistPosition = e.WaitlistPosition,
        CreateTime = TimeMapping.ToTimestamp(e.CreateTime),
        UpdateTime = TimeMapping.ToTimestamp(e.UpdateTime),
        Etag = e.Etag,
    };

    public static IReadOnlySet<string> Mask(FieldMask? mask) => FieldMasks.Paths(mask, CohortWritable);
}
