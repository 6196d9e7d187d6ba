using Coaching.Domain.Bookings;
using Coaching.Domain.Common;
using Coaching.Server.Identity;
using Coaching.Server.Mapping;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Bookings;

/// <summary>coaching.v1.BookingService: translate, call one use case, translate back.</summary>
[Authorize]
public sealed class BookingGrpcService(BookingDesk desk) : Proto.BookingService.BookingServiceBase
{
    public override async Task<Proto.Booking> CreateBooking(Proto.CreateBookingRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var booking = await desk.CreateAsync(caller, BookingMapper.ToRequest(request.Booking), request.RequestId, context.CancellationToken);
        return BookingMapper.ToProto(booking);
    }

    public override async Task<Proto.Booking> GetBooking(Proto.GetBookingRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        return BookingMapper.ToProto(await desk.GetAsync(caller, BookingMapper.ParseName(request.Name), context.CancellationToken));
    }

    public override async Task<Proto.ListBookingsResponse> ListBookings(Proto.ListBookingsRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var list = new BookingListRequest(
            string.IsNullOrEmpty(request.Coach) ? null : ResourceNames.ParseCoach(request.Coach, "coach"),
            ResourceNames.ParseOptionalUser(request.Client, "client"),
            [.. request.States.Select((s, i) => BookingMapper.ToState(s, $"states[{i}]"))],
            request.StartTime is null ? null : TimeMapping.ToInstant(request.StartTime, "start_time"),
            request.EndTime is null ? null : TimeMapping.ToInstant(request.EndTime, "end_time"),
            request.PageSize,
            request.PageToken);
        var page = await desk.ListAsync(caller, list, context.CancellationToken);
        return new Proto.ListBookingsResponse { Bookings = { page.Items.Select(BookingMapper.ToProto) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.Booking> ConfirmBooking(Proto.ConfirmBookingRequest request, ServerCallContext context) =>
        BookingMapper.ToProto(await desk.ConfirmAsync(context.Caller(), BookingMapper.ParseName(request.Name), request.Etag, context.CancellationToken));

    public override async Task<Proto.Booking> DeclineBooking(Proto.DeclineBookingRequest request, ServerCallContext context) =>
        BookingMapper.ToProto(await desk.DeclineAsync(context.Caller(), BookingMapper.ParseName(request.Name), request.Etag, request.Reason,
            context.CancellationToken));

    public override async Task<Proto.Booking> CancelBooking(Proto.CancelBookingRequest request, ServerCallContext context) =>
        BookingMapper.ToProto(await desk.CancelAsync(context.Caller(), BookingMapper.ParseName(request.Name), request.Etag, request.Reason,
            context.CancellationToken));

    public override async Task<Proto.Booking> RescheduleBooking(Proto.RescheduleBookingRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var id = BookingMapper.ParseName(request.Name);
        var start = TimeMapping.ToInstant(request.StartTime, "start_time");
        return BookingMapper.ToProto(await desk.RescheduleAsync(caller, id, start, request.Etag, request.RequestId, context.CancellationToken));
    }

    public override async Task<Proto.Booking> CompleteBooking(Proto.CompleteBookingRequest request, ServerCallContext context) =>
        BookingMapper.ToProto(await desk.CompleteAsync(context.Caller(), BookingMapper.ParseName(request.Name), request.Etag, context.CancellationToken));

    public override async Task<Proto.Booking> MarkNoShow(Proto.MarkNoShowRequest request, ServerCallContext context) =>
        BookingMapper.ToProto(await desk.MarkNoShowAsync(context.Caller(), BookingMapper.ParseName(request.Name), request.Etag, context.CancellationToken));
}
