using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Server.Mapping;
using Google.Protobuf.WellKnownTypes;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Coaches;

/// <summary>Hand-written mapping between coach/offering messages and the domain.</summary>
internal static class CoachMapper
{
    public static readonly IReadOnlySet<string> CoachWritable =
        new HashSet<string> { "display_name", "bio", "email", "specialties", "time_zone", "active" };

    public static readonly IReadOnlySet<string> OfferingWritable = new HashSet<string>
    {
        "title", "description", "duration", "buffer_before", "buffer_after", "minimum_notice", "booking_horizon",
        "daily_cap", "weekly_cap", "requires_confirmation", "cancellation_cutoff",
    };

    public static Proto.Coach ToProto(Coach coach) => new()
    {
        Name = coach.Name,
        DisplayName = coach.DisplayName,
        Bio = coach.Bio,
        Email = coach.Email,
        Specialties = { coach.Specialties },
        TimeZone = coach.TimeZoneId,
        Active = coach.Active,
        CreateTime = TimeMapping.ToTimestamp(coach.CreateTime),
        UpdateTime = TimeMapping.ToTimestamp(coach.UpdateTime),
        Etag = coach.Etag,
    };

    public static CoachDraft ToNewCoach(Proto.Coach? coach)
    {
        if (coach is null)
        {
            return Fail.Invalid<CoachDraft>("coach", "is required");
        }

        // proto3 cannot tell an unset bool from false, so new coaches always start active; an admin
        // deactivates one with UpdateCoach.
        return new CoachDraft(coach.DisplayName, coach.Bio, coach.Email, [.. coach.Specialties], coach.TimeZone, Active: true);
    }

    public static CoachDraft ToChanges(Proto.Coach coach, FieldMask? mask)
    {
        var paths = FieldMasks.Paths(mask, CoachWritable);
        return new CoachDraft(
            DisplayName: paths.Contains("display_name") ? coach.DisplayName : null,
            Bio: paths.Contains("bio") ? coach.Bio : null,
            Email: paths.Contains("email") ? coach.Email : null,
            Specialties: paths.Contains("specialties") ? [.. coach.Specialties] : null,
            TimeZoneId: paths.Contains("time_zone") ? coach.TimeZone : null,
            Active: paths.Contains("active") ? coach.Active : null);
    }

    public static Proto.Offering ToProto(Offering o) => new()
    {
        Name = o.Name,
        Title = o.Title,
        Description = o.Description,
        Duration = TimeMapping.ToProto(o.Duration),
        BufferBefore = TimeMapping.ToProto(o.BufferBefore),
        BufferAfter = TimeMapping.ToProto(o.BufferAfter),
        MinimumNotice = TimeMapping.ToProto(o.MinimumNotice),
        BookingHorizon = TimeMapping.ToProto(o.BookingHorizon),
        DailyCap = o.DailyCap,
        WeeklyCap = o.WeeklyCap,
        RequiresConfirmation = o.RequiresConfirmation,
        CancellationCutoff = TimeMapping.ToProto(o.CancellationCutoff),
        CreateTime = TimeMapping.ToTimestamp(o.CreateTime),
        UpdateTime = TimeMapping.ToTimestamp(o.UpdateTime),
        Etag = o.Etag,
    };

    public static OfferingDraft ToNewOffering(Proto.Offering? o)
    {
        if (o is null)
        {
            return Fail.Invalid<OfferingDraft>("offering", "is required");
        }

        return ToDraft(o, OfferingWritable);
    }

    public static OfferingDraft ToChanges(Proto.Offering o, FieldMask? mask) => ToDraft(o, FieldMasks.Paths(mask, OfferingWritable));

    private static OfferingDraft ToDraft(Proto.Offering o, IReadOnlySet<string> paths)
    {
        const string p = "offering";
        var v = new Violations();
        NodaTime.Duration? Span(string field, Duration? value)
        {
            if (!paths.Contains(field))
            {
                return null;
            }

            try
            {
                return TimeMapping.ToDuration(value, $"{p}.{field}") ?? NodaTime.Duration.Zero;
            }
            catch (DomainException e) when (e.Violations.Count > 0)
            {
                v.Add(e.Violations[0].Field, e.Violations[0].Description);
                return null;
            }
        }

        var draft = new OfferingDraft(
            Title: paths.Contains("title") ? o.Title : null,
            Description: paths.Contains("description") ? o.Description : null,
            Duration: Span("duration", o.Duration),
            BufferBefore: Span("buffer_before", o.BufferBefore),
            BufferAfter: Span("buffer_after", o.BufferAfter),
            MinimumNotice: Span("minimum_notice", o.MinimumNotice),
            BookingHorizon: Span("booking_horizon", o.BookingHorizon),
            DailyCap: paths.Contains("daily_cap") ? o.DailyCap : null,
            WeeklyCap: paths.Contains("weekly_cap") ? o.WeeklyCap : null,
            RequiresConfirmation: paths.Contains("requires_confirmation") ? o.RequiresConfirmation : null,
            CancellationCutoff: Span("cancellation_cutoff", o.CancellationCutoff));
        v.ThrowIfAny();
        return draft;
    }
}
