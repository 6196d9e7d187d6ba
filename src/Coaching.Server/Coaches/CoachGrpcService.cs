using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Server.Identity;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Coaches;

/// <summary>coaching.v1.CoachService: translate, call one use case, translate back.</summary>
[Authorize]
public sealed class CoachGrpcService(CoachDesk desk) : Proto.CoachService.CoachServiceBase
{
    public override async Task<Proto.Coach> CreateCoach(Proto.CreateCoachRequest request, ServerCallContext context)
    {
        var coach = await desk.CreateCoachAsync(context.Caller(), CoachMapper.ToNewCoach(request.Coach), request.RequestId, context.CancellationToken);
        return CoachMapper.ToProto(coach);
    }

    public override async Task<Proto.Coach> GetCoach(Proto.GetCoachRequest request, ServerCallContext context)
    {
        _ = context.Caller();
        var coach = await desk.GetCoachAsync(ResourceNames.ParseCoach(request.Name, "name"), context.CancellationToken);
        return CoachMapper.ToProto(coach);
    }

    public override async Task<Proto.ListCoachesResponse> ListCoaches(Proto.ListCoachesRequest request, ServerCallContext context)
    {
        _ = context.Caller();
        var page = await desk.ListCoachesAsync(request.Specialty, request.IncludeInactive, request.PageSize, request.PageToken, context.CancellationToken);
        return new Proto.ListCoachesResponse { Coaches = { page.Items.Select(CoachMapper.ToProto) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.Coach> UpdateCoach(Proto.UpdateCoachRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        if (request.Coach is null)
        {
            Fail.Invalid("coach", "is required");
        }

        var coachId = ResourceNames.ParseCoach(request.Coach.Name, "coach.name");
        var coach = await desk.UpdateCoachAsync(caller, coachId, CoachMapper.ToChanges(request.Coach, request.UpdateMask),
            request.Coach.Etag, context.CancellationToken);
        return CoachMapper.ToProto(coach);
    }

    public override async Task<Empty> DeleteCoach(Proto.DeleteCoachRequest request, ServerCallContext context)
    {
        await desk.DeleteCoachAsync(context.Caller(), ResourceNames.ParseCoach(request.Name, "name"), request.Etag, context.CancellationToken);
        return new Empty();
    }

    public override async Task<Proto.Offering> CreateOffering(Proto.CreateOfferingRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var coachId = ResourceNames.ParseCoach(request.Parent, "parent");
        var offering = await desk.CreateOfferingAsync(caller, coachId, CoachMapper.ToNewOffering(request.Offering), request.RequestId,
            context.CancellationToken);
        return CoachMapper.ToProto(offering);
    }

    public override async Task<Proto.Offering> GetOffering(Proto.GetOfferingRequest request, ServerCallContext context)
    {
        _ = context.Caller();
        var (coachId, offeringId) = ResourceNames.ParseOffering(request.Name, "name");
        return CoachMapper.ToProto(await desk.GetOfferingAsync(coachId, offeringId, context.CancellationToken));
    }

    public override async Task<Proto.ListOfferingsResponse> ListOfferings(Proto.ListOfferingsRequest request, ServerCallContext context)
    {
        _ = context.Caller();
        var coachId = ResourceNames.ParseCoach(request.Parent, "parent");
        var page = await desk.ListOfferingsAsync(coachId, request.PageSize, request.PageToken, context.CancellationToken);
        return new Proto.ListOfferingsResponse { Offerings = { page.Items.Select(CoachMapper.ToProto) }, NextPageToken = page.NextPageToken };
    }

    public override async Task<Proto.Offering> UpdateOffering(Proto.UpdateOfferingRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        if (request.Offering is null)
        {
            Fail.Invalid("offering", "is required");
        }

        var (coachId, offeringId) = ResourceNames.ParseOffering(request.Offering.Name, "offering.name");
        var offering = await desk.UpdateOfferingAsync(caller, coachId, offeringId,
            CoachMapper.ToChanges(request.Offering, request.UpdateMask), request.Offering.Etag, context.CancellationToken);
        return CoachMapper.ToProto(offering);
    }

    public override async Task<Empty> DeleteOffering(Proto.DeleteOfferingRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var (coachId, offeringId) = ResourceNames.ParseOffering(request.Name, "name");
        await desk.DeleteOfferingAsync(caller, coachId, offeringId, request.Etag, context.CancellationToken);
        return new Empty();
    }
}
