using Coaching.Domain.Availability;
using Coaching.Domain.Common;
using Coaching.Server.Identity;
using Coaching.Server.Mapping;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Availability;

/// <summary>coaching.v1.AvailabilityService: translate, call one use case, translate back.</summary>
[Authorize]
public sealed class AvailabilityGrpcService(AvailabilityDesk desk) : Proto.AvailabilityService.AvailabilityServiceBase
{
    public override async Task<Proto.WeeklySchedule> GetWeeklySchedule(Proto.GetWeeklyScheduleRequest request, ServerCallContext context)
    {
        _ = context.Caller();
        var (coach, schedule) = await desk.GetWeeklyScheduleAsync(AvailabilityMapper.ParseScheduleName(request.Name), context.CancellationToken);
        return AvailabilityMapper.ToProto(schedule, coach.TimeZoneId);
    }

    public override async Task<Proto.WeeklySchedule> UpdateWeeklySchedule(Proto.UpdateWeeklyScheduleRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        if (request.WeeklySchedule is null)
        {
            Fail.Invalid("weekly_schedule", "is required");
        }

        var coachId = AvailabilityMapper.ParseScheduleName(request.WeeklySchedule.Name);
        var (coach, schedule) = await desk.UpdateWeeklyScheduleAsync(caller, coachId,
            AvailabilityMapper.ToRawWindows(request.WeeklySchedule), request.WeeklySchedule.Etag, context.CancellationToken);
        return AvailabilityMapper.ToProto(schedule, coach.TimeZoneId);
    }

    public override async Task<Proto.DateOverride> CreateDateOverride(Proto.CreateDateOverrideRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var coachId = ResourceNames.ParseCoach(request.Parent, "parent");
        var created = await desk.CreateDateOverrideAsync(caller, coachId, AvailabilityMapper.ToDraft(request.DateOverride),
            request.RequestId, context.CancellationToken);
        return AvailabilityMapper.ToProto(created);
    }

    public override async Task<Proto.ListDateOverridesResponse> ListDateOverrides(Proto.ListDateOverridesRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var coachId = ResourceNames.ParseCoach(request.Parent, "parent");
        var page = await desk.ListDateOverridesAsync(caller, coachId, request.PageSize, request.PageToken, context.CancellationToken);
        return new Proto.ListDateOverridesResponse
        {
            DateOverrides = { page.Items.Select(AvailabilityMapper.ToProto) },
            NextPageToken = page.NextPageToken,
        };
    }

    public override async Task<Empty> DeleteDateOverride(Proto.DeleteDateOverrideRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (coachId, overrideId) = AvailabilityMapper.ParseOverrideName(request.Name);
        await desk.DeleteDateOverrideAsync(caller, coachId, overrideId, context.CancellationToken);
        return new Empty();
    }

    public override async Task<Proto.ListAvailableSlotsResponse> ListAvailableSlots(Proto.ListAvailableSlotsRequest request, ServerCallContext context)
    {
        _ = context.Caller();
        var (coachId, offeringId) = ResourceNames.ParseOffering(request.Offering, "offering");
        var viewer = AvailabilityMapper.ViewerZone(request.ViewerTimeZone);
        var start = TimeMapping.ToInstant(request.StartTime, "start_time");
        var end = TimeMapping.ToInstant(request.EndTime, "end_time");
        var view = AvailabilityMapper.View(request.View);
        var slots = await desk.ListAvailableSlotsAsync(coachId, offeringId, start, end, context.CancellationToken);

        var coachZone = slots.Coach.TimeZone;
        var response = new Proto.ListAvailableSlotsResponse
        {
            Days = { slots.Listing.Days.Select(d => new Proto.DaySummary { Date = AvailabilityMapper.Date(d.Date), Status = AvailabilityMapper.ToProto(d.Status) }) },
            CoachTimeZone = slots.Coach.TimeZoneId,
            SlotStep = TimeMapping.ToProto(slots.Step),
            SessionDuration = TimeMapping.ToProto(slots.Offering.Duration),
        };
        if (view == Proto.SlotView.Runs)
        {
            response.Runs.AddRange(SlotRuns.Fold(slots.Listing.Slots, slots.Step)
                .Select(run => new Proto.SlotRun { StartTime = TimeMapping.ToTimestamp(run.Start), Count = run.Count }));
        }
        else
        {
            // Sized once: grown by doubling, the slots of a long listing outgrow themselves onto the large-object heap.
            response.Slots.Capacity = slots.Listing.Slots.Count;
            response.Slots.AddRange(AvailabilityMapper.ToProto(slots.Listing.Slots, slots.Offering.Duration, coachZone, viewer ?? coachZone));
        }

        return response;
    }

    public override async Task<Proto.SearchAvailabilityResponse> SearchAvailability(Proto.SearchAvailabilityRequest request, ServerCallContext context)
    {
        _ = context.Caller();
        var viewer = AvailabilityMapper.ViewerZone(request.ViewerTimeZone);
        var criteria = new SearchCriteria(
            request.Specialty,
            TimeMapping.ToDuration(request.MinDuration, "min_duration"),
            TimeMapping.ToDuration(request.MaxDuration, "max_duration"),
            TimeMapping.ToInstant(request.StartTime, "start_time"),
            TimeMapping.ToInstant(request.EndTime, "end_time"),
            request.SlotsPerOffering,
            request.PageSize,
            request.PageToken);
        var page = await desk.SearchAsync(criteria, context.CancellationToken);
        return new Proto.SearchAvailabilityResponse
        {
            Results =
            {
                page.Items.Select(r => new Proto.OfferingAvailability
                {
                    Coach = r.Coach.Name,
                    Offering = r.Offering.Name,
                    Slots = { AvailabilityMapper.ToProto(r.Listing.Slots, r.Offering.Duration, r.Coach.TimeZone, viewer ?? r.Coach.TimeZone) },
                }),
            },
            NextPageToken = page.NextPageToken,
        };
    }
}
