using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Events;
using Coaching.Server.Availability;
using Coaching.Server.Mapping;
using Google.Protobuf.WellKnownTypes;
using NodaTime;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Events;

/// <summary>Hand-written mapping of events and registrations.</summary>
internal static class EventMapper
{
    public static readonly IReadOnlySet<string> Writable = new HashSet<string>
    {
        "title", "description", "topics", "kind", "hosts", "start_time", "duration", "time_zone", "join_link", "capacity",
        "registration_open_time", "registration_close_time", "state", "visibility", "recording_link",
    };

    public static string ParseEvent(string? name, string field)
    {
        var parts = (name ?? string.Empty).Split('/');
        return parts.Length == 2 && parts[0] == "events" && parts[1].Length is > 0 and <= 64 && parts[1] != "-"
            ? parts[1]
            : Fail.Invalid<string>(field, "must have the form events/{event}");
    }

    /// <summary>An event, or null for <c>events/-</c> when <paramref name="allowWildcard"/>.</summary>
    public static string? ParseParent(string? name, string field, bool allowWildcard) =>
        allowWildcard && name == "events/-" ? null : ParseEvent(name, field);

    public static (string EventId, string RegistrationId) ParseRegistration(string? name, string field)
    {
        var parts = (name ?? string.Empty).Split('/');
        return parts.Length == 4 && parts[0] == "events" && parts[2] == "registrations" && parts.All(p => p.Length is > 0 and <= 64)
            ? (parts[1], parts[3])
            : Fail.Invalid<(string, string)>(field, "must have the form events/{event}/registrations/{registration}");
    }

    public static EnrolmentState? ToState(Proto.RegistrationState state, string field) => state switch
    {
        Proto.RegistrationState.Unspecified => null,
        Proto.RegistrationState.Registered => EnrolmentState.Enrolled,
        Proto.RegistrationState.Waitlisted => EnrolmentState.Waitlisted,
        Proto.RegistrationState.Withdrawn => EnrolmentState.Withdrawn,
        _ => Fail.Invalid<EnrolmentState?>(field, "is not a registration state"),
    };

    /// <summary>The fields a request sets: every writable one on create (unset ones left to defaults), the mask's on update.</summary>
    public static EventDraft ToDraft(Proto.ScheduledEvent? e, IReadOnlySet<string> paths, bool creating)
    {
        if (e is null)
        {
            return Fail.Invalid<EventDraft>("event", "is required");
        }

        bool Has(string path) => paths.Contains(path);
        return new EventDraft(
            Has("title") ? e.Title : null,
            Has("description") ? e.Description : null,
            Has("topics") ? [.. e.Topics] : null,
            Has("kind") ? ToKind(e.Kind, creating) : null,
            Has("hosts") ? [.. e.Hosts.Select((h, i) => ResourceNames.ParseCoach(h, $"event.hosts[{i}]"))] : null,
            Has("start_time") && (e.StartTime is not null || !creating) ? TimeMapping.ToInstant(e.StartTime, "event.start_time") : null,
            Has("duration") && (e.Duration is not null || !creating) ? TimeMapping.ToDuration(e.Duration, "event.duration") ?? NodaTime.Duration.Zero : null,
            Has("time_zone") && (e.TimeZone.Length > 0 || !creating) ? e.TimeZone : null,
            Has("join_link") ? e.JoinLink : null,
            Has("capacity") ? e.Capacity : null,
            Has("registration_open_time") && (e.RegistrationOpenTime is not null || !creating) ? TimeMapping.ToInstant(e.RegistrationOpenTime, "event.registration_open_time") : null,
            Has("registration_close_time") && (e.RegistrationCloseTime is not null || !creating) ? TimeMapping.ToInstant(e.RegistrationCloseTime, "event.registration_close_time") : null,
            Has("state") && (e.State != Proto.EventState.Unspecified || !creating) ? ToState(e.State) : null,
            Has("visibility") && (e.Visibility != Proto.EventVisibility.Unspecified || !creating) ? ToVisibility(e.Visibility) : null,
            Has("recording_link") ? e.RecordingLink : null);
    }

    private static EventKind? ToKind(Proto.EventKind kind, bool creating) => kind switch
    {
        Proto.EventKind.DropIn => EventKind.DropIn,
        Proto.EventKind.Webinar => EventKind.Webinar,
        Proto.EventKind.Unspecified when creating => null,
        _ => Fail.Invalid<EventKind?>("event.kind", "must be EVENT_KIND_DROP_IN or EVENT_KIND_WEBINAR"),
    };

    private static EventState ToState(Proto.EventState state) => state switch
    {
        Proto.EventState.Draft => EventState.Draft,
        Proto.EventState.Open => EventState.Open,
        Proto.EventState.Closed => EventState.Closed,
        Proto.EventState.Cancelled => EventState.Cancelled,
        Proto.EventState.Held => EventState.Held,
        _ => Fail.Invalid<EventState>("event.state", "is not an event state"),
    };

    private static EventVisibility ToVisibility(Proto.EventVisibility visibility) => visibility switch
    {
        Proto.EventVisibility.Registrants => EventVisibility.Registrants,
        Proto.EventVisibility.Public => EventVisibility.Public,
        _ => Fail.Invalid<EventVisibility>("event.visibility", "must be EVENT_VISIBILITY_REGISTRANTS or EVENT_VISIBILITY_PUBLIC"),
    };

    public static Proto.ScheduledEvent ToProto(ScheduledEvent e, bool showJoinLink, DateTimeZone? viewer)
    {
        var zone = DateTimeZoneProviders.Tzdb[e.Cohort.TimeZoneId];
        var message = new Proto.ScheduledEvent
        {
            Name = e.Name,
            Title = e.Profile.Title,
            Description = e.Profile.Description,
            Topics = { e.Profile.Topics },
            Kind = e.Profile.Kind == EventKind.DropIn ? Proto.EventKind.DropIn : Proto.EventKind.Webinar,
            Hosts = { e.Cohort.CoachIds.Select(ResourceNames.Coach) },
            StartTime = TimeMapping.ToTimestamp(e.Session.Start),
            Duration = TimeMapping.ToProto(e.Session.Duration),
            TimeZone = e.Cohort.TimeZoneId,
            JoinLink = showJoinLink ? e.Profile.JoinLink : string.Empty,
            Capacity = e.Capacity,
            RegistrationOpenTime = TimeMapping.ToTimestamp(e.Cohort.EnrolmentOpen),
            RegistrationCloseTime = TimeMapping.ToTimestamp(e.Cohort.EnrolmentClose),
            State = (Proto.EventState)(int)e.State,
            Visibility = e.Profile.Visibility == EventVisibility.Public ? Proto.EventVisibility.Public : Proto.EventVisibility.Registrants,
            RecordingLink = e.Profile.RecordingLink,
            RegisteredCount = e.Cohort.EnrolledCount,
            SeatsLeft = e.Cohort.SeatsLeft,
            WaitlistCount = e.Cohort.WaitlistCount,
            LocalStart = Zoned(e.Session.Start.InZone(zone)),
            CreateTime = TimeMapping.ToTimestamp(e.Cohort.CreateTime),
            UpdateTime = TimeMapping.ToTimestamp(Instant.Max(e.Cohort.UpdateTime, e.Profile.UpdateTime)),
            Etag = e.Etag,
        };
        if (viewer is not null)
        {
            message.ViewerStart = Zoned(e.Session.Start.InZone(viewer));
        }

        if (e.Profile.HeldTime is { } held)
        {
            message.HeldTime = TimeMapping.ToTimestamp(held);
        }

        return message;
    }

    public static Proto.Registration ToProto(Enrolment e) => new()
    {
        Name = ScheduledEvent.RegistrationName(e.CohortId, e.Id),
        Client = ResourceNames.User(e.ClientId),
        State = e.State switch
        {
            EnrolmentState.Enrolled => Proto.RegistrationState.Registered,
            EnrolmentState.Waitlisted => Proto.RegistrationState.Waitlisted,
            _ => Proto.RegistrationState.Withdrawn,
        },
        WaitlistPosition = e.WaitlistPosition,
        CreateTime = TimeMapping.ToTimestamp(e.CreateTime),
        UpdateTime = TimeMapping.ToTimestamp(e.UpdateTime),
        Etag = e.Etag,
    };

    private static Proto.ZonedDateTime Zoned(ZonedDateTime zoned) => new()
    {
        Date = AvailabilityMapper.Date(zoned.Date), Time = new Proto.TimeOfDay { Hours = zoned.Hour, Minutes = zoned.Minute },
        UtcOffset = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(zoned.Offset.ToTimeSpan()),
        TimeZone = zoned.Zone.Id,
    };

    public static IReadOnlySet<string> Mask(FieldMask? mask) => FieldMasks.Paths(mask, Writable);

    public static (string EventId, string QuestionId) ParseQuestion(string? name, string field)
    {
        var parts = (name ?? string.Empty).Split('/');
        return parts.Length == 4 && parts[0] == "events" && parts[2] == "questions" && parts.All(p => p.Length is > 0 and <= 64)
            ? (parts[1], parts[3])
            : Fail.Invalid<(string, string)>(field, "must have the form events/{event}/questions/{question}");
    }

    public static QuestionState? ToState(Proto.QuestionState state) => state switch
    {
        Proto.QuestionState.Unspecified => null,
        Proto.QuestionState.Open => QuestionState.Open,
        Proto.QuestionState.Answered => QuestionState.Answered,
        Proto.QuestionState.Hidden => QuestionState.Hidden,
        Proto.QuestionState.Merged => QuestionState.Merged,
        _ => Fail.Invalid<QuestionState?>("question.state", "is not a question state"),
    };

    public static Proto.Question ToProto(Question q, bool showsAuthor, bool viewerVoted) => new()
    {
        Name = q.Name,
        Text = q.Text,
        Anonymous = q.Anonymous,
        Author = showsAuthor && q.AuthorId.Length > 0 ? ResourceNames.User(q.AuthorId) : string.Empty,
        State = (Proto.QuestionState)(int)q.State,
        MergedInto = q.MergedInto.Length > 0 ? Question.NameOf(q.EventId, q.MergedInto) : string.Empty,
        VoteCount = q.Votes,
        ViewerVoted = viewerVoted,
        CreateTime = TimeMapping.ToTimestamp(q.CreateTime),
        UpdateTime = TimeMapping.ToTimestamp(q.UpdateTime),
        Etag = q.Etag,
    };
}
