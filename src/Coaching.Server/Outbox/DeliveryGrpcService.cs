using Coaching.Domain.Outbox;
using Coaching.Server.Identity;
using Coaching.Server.Mapping;
using Grpc.Core;
using NodaTime;
using Microsoft.AspNetCore.Authorization;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Outbox;

/// <summary>coaching.v1.DeliveryService: the event stream, deliveries and webhooks.</summary>
[Authorize]
public sealed class DeliveryGrpcService(DeliveryDesk desk, IOutboxStore store, EventLogTail tail, IClock clock) : Proto.DeliveryService.DeliveryServiceBase
{
    private const int ReadBatch = 256;

    public override async Task WatchEvents(Proto.WatchEventsRequest request, IServerStreamWriter<Proto.Event> responseStream, ServerCallContext context)
    {
        var caller = context.Caller();
        var resource = string.IsNullOrEmpty(request.Resource) ? null : request.Resource;
        DeliveryDesk.CheckWatch(request.AfterPosition, request.EventTypes, resource);
        var types = request.EventTypes.ToHashSet(StringComparer.Ordinal);
        var ct = context.CancellationToken;
        using var watching = tail.Watch();
        var position = await desk.StartOfWatchAsync(request.AfterPosition, request.Latest, ct);
        // The headers tell the caller the watch holds its place: every change from here on reaches it.
        await context.WriteResponseHeadersAsync([]);
        var gaps = new LogGaps(store.GapPatience);
        while (!ct.IsCancellationRequested)
        {
            var batch = await store.ReadLogAsync(position, ReadBatch, ct);
            var ready = gaps.Ready(position, batch, clock.GetCurrentInstant());
            foreach (var logged in batch.Take(ready))
            {
                position = logged.Position;
                if (View(caller, logged) is { } view && DeliveryDesk.Matches(view.Entry, types, resource))
                {
                    await responseStream.WriteAsync(view.Event, ct);
                }
            }

            if (ready < batch.Count)
            {
                await Task.Delay(EventLogTail.Interval, ct); // a position before these is taken but not yet written
            }
            else if (batch.Count < ReadBatch)
            {
                await tail.WaitBeyondAsync(position, ct);
            }
        }
    }

    private static (OutboxEntry Entry, Proto.Event Event)? View(Domain.Identity.Caller caller, LoggedEntry logged) =>
        DeliveryDesk.ViewFor(caller, logged.Entry) switch
        {
            EventView.Full => (logged.Entry, EventEncoder.Decode(logged)),
            EventView.AvailabilityOnly => AvailabilityOf(logged),
            _ => null,
        };

    // The availability change a booking event stands for, at the same position: its coach and the coach-local dates it touches.
    private static (OutboxEntry Entry, Proto.Event Event) AvailabilityOf(LoggedEntry logged)
    {
        var booking = EventEncoder.Decode(logged).Booking;
        var zone = NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(booking.CoachTimeZone) ?? NodaTime.DateTimeZone.Utc;
        var instants = new List<NodaTime.Instant> { TimeMapping.ToInstant(booking.StartTime, "start_time"), TimeMapping.ToInstant(booking.EndTime, "end_time") };
        if (logged.Entry.Type == "booking.moved" && booking.History.LastOrDefault()?.PreviousStartTime is { } previous)
        {
            instants.Add(TimeMapping.ToInstant(previous, "previous_start_time"));
        }

        var dates = instants.Select(i => i.InZone(zone).Date).ToList();
        var change = new Proto.AvailabilityChange
        {
            Coach = booking.Coach,
            TimeZone = zone.Id,
            FirstDate = NodaTime.Text.LocalDatePattern.Iso.Format(dates.Min()),
            LastDate = NodaTime.Text.LocalDatePattern.Iso.Format(dates.Max()),
        };
        var derived = new Proto.Event
        {
            Id = $"{logged.Entry.Id}-availability", Position = logged.Position, Type = AvailabilityChange.EventType, CreateTime = TimeMapping.ToTimestamp(logged.Entry.Time),
            Resource = booking.Coach, Availability = change,
        };
        return (logged.Entry with { Type = AvailabilityChange.EventType, Resource = booking.Coach, Audience = [OutboxEntry.Everyone] }, derived);
    }

    public override async Task<Proto.ListDeliveriesResponse> ListDeliveries(Proto.ListDeliveriesRequest request, ServerCallContext context)
    {
        var page = await desk.ListAsync(context.Caller(), DeliveryMapper.ToState(request.State), DeliveryMapper.ToChannel(request.Channel),
            string.IsNullOrEmpty(request.Resource) ? null : request.Resource, request.PageSize, request.PageToken, context.CancellationToken);
        return new Proto.ListDeliveriesResponse { Deliveries = { page.Items.Select(DeliveryMapper.ToProto) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.Delivery> RetryDelivery(Proto.RetryDeliveryRequest request, ServerCallContext context) =>
        DeliveryMapper.ToProto(await desk.RetryAsync(context.Caller(), DeliveryMapper.ParseName(request.Name, "deliveries"), context.CancellationToken));

    public override async Task<Proto.Webhook> CreateWebhook(Proto.CreateWebhookRequest request, ServerCallContext context)
    {
        var hook = request.Webhook ?? new Proto.Webhook();
        var created = await desk.CreateWebhookAsync(context.Caller(), hook.Url, hook.EventTypes, hook.Active, request.RequestId, context.CancellationToken);
        return DeliveryMapper.ToProto(created);
    }

    public override async Task<Proto.ListWebhooksResponse> ListWebhooks(Proto.ListWebhooksRequest request, ServerCallContext context)
    {
        var page = await desk.ListWebhooksAsync(context.Caller(), request.PageSize, request.PageToken, context.CancellationToken);
        return new Proto.ListWebhooksResponse { Webhooks = { page.Items.Select(DeliveryMapper.ToProto) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Google.Protobuf.WellKnownTypes.Empty> DeleteWebhook(Proto.DeleteWebhookRequest request, ServerCallContext context)
    {
        await desk.DeleteWebhookAsync(context.Caller(), DeliveryMapper.ParseName(request.Name, "webhooks"), context.CancellationToken);
        return new Google.Protobuf.WellKnownTypes.Empty();
    }
}

/// <summary>Hand-written mapping of deliveries and webhooks.</summary>
public static class DeliveryMapper
{
    /// <summary>The id in <c>{collection}/{id}</c>.</summary>
    public static string ParseName(string? name, string collection)
    {
        var parts = (name ?? string.Empty).Split('/');
        return parts.Length == 2 && parts[0] == collection && parts[1].Length is > 0 and <= 128
            ? parts[1]
            : Domain.Common.Fail.Invalid<string>("name", $"must have the form {collection}/{{id}}");
    }

    public static DeliveryState? ToState(Proto.DeliveryState state) => state switch
    {
        Proto.DeliveryState.Unspecified => null,
        Proto.DeliveryState.Pending => DeliveryState.Pending,
        Proto.DeliveryState.Delivered => DeliveryState.Delivered,
        Proto.DeliveryState.Dead => DeliveryState.Dead,
        Proto.DeliveryState.Skipped => DeliveryState.Skipped,
        _ => Domain.Common.Fail.Invalid<DeliveryState?>("state", $"{(int)state} is not a delivery state"),
    };

    public static DeliveryChannel? ToChannel(Proto.DeliveryChannel channel) => channel switch
    {
        Proto.DeliveryChannel.Unspecified => null,
        Proto.DeliveryChannel.Email => DeliveryChannel.Email,
        Proto.DeliveryChannel.Webhook => DeliveryChannel.Webhook,
        _ => Domain.Common.Fail.Invalid<DeliveryChannel?>("channel", $"{(int)channel} is not a delivery channel"),
    };

    public static Proto.Delivery ToProto(Delivery d) => new()
    {
        Name = d.Name,
        Channel = d.Channel == DeliveryChannel.Email ? Proto.DeliveryChannel.Email : Proto.DeliveryChannel.Webhook,
        State = d.State switch
        {
            DeliveryState.Pending => Proto.DeliveryState.Pending,
            DeliveryState.Delivered => Proto.DeliveryState.Delivered,
            DeliveryState.Dead => Proto.DeliveryState.Dead,
            _ => Proto.DeliveryState.Skipped,
        },
        MessageId = d.EntryId,
        Type = d.Type,
        Resource = d.Resource,
        Recipient = d.Recipient,
        Attempts = d.Attempts,
        LastError = d.LastError,
        CreateTime = TimeMapping.ToTimestamp(d.CreateTime),
        NextAttemptTime = TimeMapping.ToTimestamp(d.NextAttempt),
    };

    public static Proto.Webhook ToProto(Webhook w) => new()
    {
        Name = w.Name,
        Url = w.Url,
        EventTypes = { w.EventTypes },
        Active = w.Active,
        Secret = w.Secret,
        CreateTime = TimeMapping.ToTimestamp(w.CreateTime),
    };
}
