using Coaching.Domain.Events;
using Coaching.Server.Availability;
using Coaching.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Events;

/// <summary>coaching.v1.EventService: translate, call one use case, translate back.</summary>
[Authorize]
public sealed class EventGrpcService(EventDesk desk, QuestionDesk questions) : Proto.EventService.EventServiceBase
{
    public override async Task<Proto.ScheduledEvent> CreateEvent(Proto.CreateEventRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var created = await desk.CreateAsync(caller, EventMapper.ToDraft(request.Event, EventMapper.Writable, creating: true), request.RequestId,
            context.CancellationToken);
        return EventMapper.ToProto(created, showJoinLink: true, null);
    }

    public override async Task<Proto.ScheduledEvent> GetEvent(Proto.GetEventRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var viewer = AvailabilityMapper.ViewerZone(request.ViewerTimeZone);
        var (found, showsJoinLink) = await desk.GetAsync(caller, EventMapper.ParseEvent(request.Name, "name"), context.CancellationToken);
        return EventMapper.ToProto(found, showsJoinLink, viewer);
    }

    public override async Task<Proto.ListEventsResponse> ListEvents(Proto.ListEventsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var viewer = AvailabilityMapper.ViewerZone(request.ViewerTimeZone);
        var from = request.StartTime is null ? (NodaTime.Instant?)null : Mapping.TimeMapping.ToInstant(request.StartTime, "start_time");
        var to = request.EndTime is null ? (NodaTime.Instant?)null : Mapping.TimeMapping.ToInstant(request.EndTime, "end_time");
        var page = await desk.ListAsync(caller, request.Topic, from, to, request.PageSize, request.PageToken, context.CancellationToken);
        return new Proto.ListEventsResponse { Events = { page.Items.Select(e => EventMapper.ToProto(e, false, viewer)) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.ListRecordingsResponse> ListRecordings(Proto.ListRecordingsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var viewer = AvailabilityMapper.ViewerZone(request.ViewerTimeZone);
        var page = await desk.ListRecordingsAsync(caller, request.Topic, request.PageSize, request.PageToken, context.CancellationToken);
        return new Proto.ListRecordingsResponse { Events = { page.Items.Select(e => EventMapper.ToProto(e, false, viewer)) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.ScheduledEvent> UpdateEvent(Proto.UpdateEventRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var eventId = EventMapper.ParseEvent(request.Event?.Name, "event.name");
        var changes = EventMapper.ToDraft(request.Event, EventMapper.Mask(request.UpdateMask), creating: false);
        var updated = await desk.UpdateAsync(caller, eventId, changes, request.Event!.Etag, context.CancellationToken);
        // Only admins and the event's hosts may change it, and both see its join link.
        return EventMapper.ToProto(updated, showJoinLink: true, null);
    }

    public override async Task<Proto.Registration> CreateRegistration(Proto.CreateRegistrationRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var eventId = EventMapper.ParseEvent(request.Parent, "parent");
        var client = Domain.Common.ResourceNames.ParseOptionalUser(request.Registration?.Client, "registration.client");
        return EventMapper.ToProto(await desk.RegisterAsync(caller, eventId, client, request.RequestId, context.CancellationToken));
    }

    public override async Task<Proto.Registration> GetRegistration(Proto.GetRegistrationRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (eventId, registrationId) = EventMapper.ParseRegistration(request.Name, "name");
        return EventMapper.ToProto(await desk.GetRegistrationAsync(caller, eventId, registrationId, context.CancellationToken));
    }

    public override async Task<Proto.ListRegistrationsResponse> ListRegistrations(Proto.ListRegistrationsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var eventId = EventMapper.ParseParent(request.Parent, "parent", allowWildcard: true);
        var page = await desk.ListRegistrationsAsync(caller, eventId, EventMapper.ToState(request.State, "state"), request.PageSize, request.PageToken,
            context.CancellationToken);
        return new Proto.ListRegistrationsResponse { Registrations = { page.Items.Select(EventMapper.ToProto) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.Registration> WithdrawRegistration(Proto.WithdrawRegistrationRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (eventId, registrationId) = EventMapper.ParseRegistration(request.Name, "name");
        return EventMapper.ToProto(await desk.WithdrawAsync(caller, eventId, registrationId, request.Etag, request.Reason, context.CancellationToken));
    }

    public override async Task<Proto.Question> CreateQuestion(Proto.CreateQuestionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var eventId = EventMapper.ParseEvent(request.Parent, "parent");
        var asked = await questions.AskAsync(caller, eventId, request.Question?.Text, request.Question?.Anonymous ?? false,
            string.IsNullOrEmpty(request.RequestId) ? null : request.RequestId, context.CancellationToken);
        return EventMapper.ToProto(asked, showsAuthor: true, viewerVoted: false);
    }

    public override async Task<Proto.ListQuestionsResponse> ListQuestions(Proto.ListQuestionsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var page = await questions.ListAsync(caller, EventMapper.ParseEvent(request.Parent, "parent"), request.PageSize, request.PageToken, context.CancellationToken);
        return new Proto.ListQuestionsResponse
        {
            Questions = { page.Items.Select(i => EventMapper.ToProto(i.View.Question, i.ShowsAuthor, i.View.ViewerVoted)) },
            NextPageToken = page.NextPageToken,
        };
    }

    public override async Task<Proto.Question> UpdateQuestion(Proto.UpdateQuestionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (eventId, questionId) = EventMapper.ParseQuestion(request.Question?.Name, "question.name");
        var paths = Mapping.FieldMasks.Paths(request.UpdateMask, QuestionWritable);
        var state = paths.Contains("state") ? EventMapper.ToState(request.Question!.State) : null;
        var into = paths.Contains("merged_into") ? EventMapper.ParseQuestion(request.Question!.MergedInto, "question.merged_into") : default;
        if (into != default && into.EventId != eventId)
        {
            Domain.Common.Fail.Invalid("question.merged_into", "must name a question of the same event");
        }

        var changed = await questions.ModerateAsync(caller, eventId, questionId, state, into == default ? null : into.QuestionId, request.Question!.Etag,
            context.CancellationToken);
        return EventMapper.ToProto(changed, showsAuthor: true, viewerVoted: false);
    }

    public override async Task<Google.Protobuf.WellKnownTypes.Empty> DeleteQuestion(Proto.DeleteQuestionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (eventId, questionId) = EventMapper.ParseQuestion(request.Name, "name");
        await questions.DeleteAsync(caller, eventId, questionId, context.CancellationToken);
        return new Google.Protobuf.WellKnownTypes.Empty();
    }

    public override async Task<Proto.Question> VoteQuestion(Proto.VoteQuestionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (eventId, questionId) = EventMapper.ParseQuestion(request.Name, "name");
        var voted = await questions.VoteAsync(caller, eventId, questionId, context.CancellationToken);
        return EventMapper.ToProto(voted.Question, showsAuthor: !voted.Question.Anonymous, viewerVoted: true);
    }

    private static readonly IReadOnlySet<string> QuestionWritable = new HashSet<string> { "state", "merged_into" };
}
