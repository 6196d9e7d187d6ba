using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Server.Bookings;
using Coaching.Server.Courses;
using Coaching.Server.Hosting;
using Coaching.Server.Identity;
using Coaching.Server.Mapping;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Coaching.Contracts.V1;
using Coaching.Domain.Feeds;

namespace Coaching.Server.Calendar;

/// <summary>coaching.v1.CalendarService: translate, call one use case, translate back.</summary>
[Authorize]
public sealed class CalendarGrpcService(BookingDesk bookings, CourseDesk courses, FeedDesk feeds, CoachingOptions options,
    Domain.ExternalCalendars.CalendarConnectionDesk connections, ExternalCalendars.CalendarRefresher refresher) : Proto.CalendarService.CalendarServiceBase
{
    public override async Task<Proto.ListInvitesResponse> ListInvites(Proto.ListInvitesRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var filter = $"invites|{request.Parent}";
        var page = PageRequest.Parse(request.PageSize, request.PageToken, filter);
        var after = page.After is null ? 0 : int.TryParse(page.After, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        IReadOnlyList<Invite> invites;
        if (request.Parent.StartsWith("courses/", StringComparison.Ordinal))
        {
            var (courseId, cohortId, enrolmentId) = CourseMapper.ParseEnrolment(request.Parent, "parent");
            invites = await courses.ListInvitesAsync(caller, courseId, cohortId, enrolmentId, context.CancellationToken);
        }
        else if (request.Parent.StartsWith("events/", StringComparison.Ordinal))
        {
            // A registration is an enrolment of the event's cohort.
            var (eventId, registrationId) = Events.EventMapper.ParseRegistration(request.Parent, "parent");
            invites = await courses.ListInvitesAsync(caller, Domain.Events.ScheduledEvent.CourseId, eventId, registrationId, context.CancellationToken);
        }
        else
        {
            invites = await bookings.ListInvitesAsync(caller, BookingMapper.ParseName(request.Parent, "parent"), context.CancellationToken);
        }

        var result = Page.FromFetched([.. invites.Where(i => i.Ordinal > after).Take(page.Size + 1)], page,
            i => i.Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture), filter);
        return new Proto.ListInvitesResponse
        {
            Invites =
            {
                result.Items.Select(i => new Proto.Invite
                {
                    Name = $"{request.Parent}/invites/{i.Ordinal}",
                    Method = i.Method == InviteMethod.Cancel ? Proto.InviteMethod.Cancel : Proto.InviteMethod.Request,
                    Uid = i.Uid,
                    Sequence = i.Sequence,
                    Content = ByteString.CopyFrom(i.Content),
                    CreateTime = TimeMapping.ToTimestamp(i.CreateTime),
                }),
            },
            NextPageToken = result.NextPageToken,
        };
    }

    public override async Task<Proto.Feed> GetFeed(Proto.GetFeedRequest request, ServerCallContext context) =>
        ToProto(await feeds.GetAsync(context.Caller(), request.Name, context.CancellationToken));

    public override async Task<Proto.Feed> RotateFeedToken(Proto.RotateFeedTokenRequest request, ServerCallContext context) =>
        ToProto(await feeds.RotateAsync(context.Caller(), request.Name, context.CancellationToken));

    private Proto.Feed ToProto(FeedAccess feed) => new()
    {
        Name = feed.Name,
        Url = FeedEndpoint.Url(options, feed.Token),
        RotateTime = TimeMapping.ToTimestamp(feed.RotateTime),
    };

    public override async Task<Proto.CalendarConnection> CreateCalendarConnection(Proto.CreateCalendarConnectionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var coachId = ResourceNames.ParseCoach(request.Parent, "parent");
        var c = request.CalendarConnection ?? new Proto.CalendarConnection();
        Domain.ExternalCalendars.CalendarSource? source = c.Source switch
        {
            Proto.CalendarSource.Unspecified => null,
            Proto.CalendarSource.Ics => Domain.ExternalCalendars.CalendarSource.Ics,
            Proto.CalendarSource.Caldav => Domain.ExternalCalendars.CalendarSource.CalDav,
            _ => Fail.Invalid<Domain.ExternalCalendars.CalendarSource?>("calendar_connection.source", "must be CALENDAR_SOURCE_ICS or CALENDAR_SOURCE_CALDAV"),
        };
        return ToProto(await connections.CreateAsync(caller, coachId, source, c.Url, c.Username, c.Password, request.RequestId, refresher.Owner,
            context.CancellationToken));
    }

    public override async Task<Proto.ListCalendarConnectionsResponse> ListCalendarConnections(Proto.ListCalendarConnectionsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var listed = await connections.ListAsync(caller, ResourceNames.ParseCoach(request.Parent, "parent"), context.CancellationToken);
        return new Proto.ListCalendarConnectionsResponse { CalendarConnections = { listed.Select(ToProto) } };
    }

    public override async Task<Google.Protobuf.WellKnownTypes.Empty> DeleteCalendarConnection(Proto.DeleteCalendarConnectionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (coachId, id) = ParseConnection(request.Name);
        await connections.DeleteAsync(caller, coachId, id, context.CancellationToken);
        return new Google.Protobuf.WellKnownTypes.Empty();
    }

    public override async Task<Proto.CalendarConnection> SyncCalendarConnection(Proto.SyncCalendarConnectionRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (coachId, id) = ParseConnection(request.Name);
        return ToProto(await connections.SyncAsync(caller, coachId, id, refresher.Owner, context.CancellationToken));
    }

    private static (string CoachId, string Id) ParseConnection(string? name)
    {
        var parts = (name ?? string.Empty).Split('/');
        return parts.Length == 4 && parts[0] == "coaches" && parts[2] == "calendarConnections" && parts.All(p => p.Length is > 0 and <= 64)
            ? (parts[1], parts[3])
            : Fail.Invalid<(string, string)>("name", "must have the form coaches/{coach}/calendarConnections/{connection}");
    }

    private static Proto.CalendarConnection ToProto(Domain.ExternalCalendars.CalendarConnection c)
    {
        var message = new Proto.CalendarConnection
        {
            Name = c.Name, UrlHint = c.UrlHint, State = (Proto.CalendarConnectionState)(int)c.Health, EventCount = c.EventCount, BusyCount = c.BusyCount,
            Source = c.Source == Domain.ExternalCalendars.CalendarSource.CalDav ? Proto.CalendarSource.Caldav : Proto.CalendarSource.Ics,
            LastError = c.LastError, CreateTime = TimeMapping.ToTimestamp(c.CreateTime),
        };
        if (c.LastAttemptTime is { } attempt)
        {
            message.LastSyncTime = TimeMapping.ToTimestamp(attempt);
        }

        if (c.LastSuccessTime is { } success)
        {
            message.LastSuccessTime = TimeMapping.ToTimestamp(success);
        }

        return message;
    }
}
