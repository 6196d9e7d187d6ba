using Coaching.Domain.Common;
using Coaching.Domain.Identity;
using NodaTime;

namespace Coaching.Domain.Coaches;

/// <summary>
/// Use cases for coach profiles and offerings: who may do what, validation, idempotency and etags.
/// Each operation is at most two store round trips (read the current state, conditional write).
/// </summary>
public sealed class CoachDesk(ICoachStore store, IClock clock, IIdGenerator ids)
{
    /// <summary>Creates a coach (admins only), idempotent on the request id.</summary>
    public async Task<Coach> CreateCoachAsync(Caller caller, CoachDraft draft, string? requestId, CancellationToken ct)
    {
        caller.RequireAdmin("create coaches");
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false,
            draft.DisplayName, draft.Bio, draft.Email, draft.Specialties, draft.TimeZoneId, draft.Active);
        var coach = Coach.Create(ids.NewId(), draft, Now());
        var result = await store.CreateCoachAsync(coach, key, ct);
        EnsureSameRequest(result, key);
        return result.Value;
    }

    /// <summary>Gets a visible coach.</summary>
    /// <exception cref="DomainException">NOT_FOUND.</exception>
    public async Task<Coach> GetCoachAsync(string coachId, CancellationToken ct) =>
        await store.GetCoachAsync(coachId, ct) ?? Fail.NotFound<Coach>(ResourceNames.Coach(coachId));

    /// <summary>Lists coaches ordered by id.</summary>
    public async Task<Page<Coach>> ListCoachesAsync(string? specialty, bool includeInactive, int pageSize, string? pageToken, CancellationToken ct)
    {
        var normalised = Specialty.Filter(specialty, "specialty");
        var filter = $"coaches|{normalised}|{includeInactive}";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        var rows = await store.ListCoachesAsync(new CoachQuery(normalised, includeInactive, page.After, page.Size + 1), ct);
        return Page.FromFetched(rows, page, c => c.Id, filter);
    }

    /// <summary>Updates a coach's profile. The coach themself or an admin; <c>active</c> is admin-only.</summary>
    public async Task<Coach> UpdateCoachAsync(Caller caller, string coachId, CoachDraft changes, string? etag, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "edit this coach");
        if (changes.Active is not null)
        {
            caller.RequireAdmin("activate or deactivate a coach");
        }

        var current = await GetCoachAsync(coachId, ct);
        Etags.Check(etag, current.Version, current.Name);
        var updated = current.Apply(changes, Now());
        return await store.UpdateCoachAsync(updated, current.Version, ct);
    }

    /// <summary>Deletes a coach (admins only).</summary>
    public async Task DeleteCoachAsync(Caller caller, string coachId, string? etag, CancellationToken ct)
    {
        caller.RequireAdmin("delete coaches");
        var current = await GetCoachAsync(coachId, ct);
        Etags.Check(etag, current.Version, current.Name);
        await store.DeleteCoachAsync(coachId, current.Version, Now(), ct);
    }

    /// <summary>Creates an offering for a coach. The coach themself or an admin.</summary>
    public async Task<Offering> CreateOfferingAsync(Caller caller, string coachId, OfferingDraft draft, string? requestId, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "add offerings to this coach");
        var key = IdempotencyKey.Create(caller.UserId, requestId, required: false,
            coachId, draft.Title, draft.Description, draft.Duration, draft.BufferBefore, draft.BufferAfter,
            draft.MinimumNotice, draft.BookingHorizon, draft.DailyCap, draft.WeeklyCap, draft.RequiresConfirmation,
            draft.CancellationCutoff);
        var offering = Offering.Create(ids.NewId(), coachId, draft, Now());
        _ = await GetCoachAsync(coachId, ct);
        var result = await store.CreateOfferingAsync(offering, key, ct);
        EnsureSameRequest(result, key);
        return result.Value;
    }

    /// <summary>Gets a visible offering.</summary>
    /// <exception cref="DomainException">NOT_FOUND.</exception>
    public async Task<Offering> GetOfferingAsync(string coachId, string offeringId, CancellationToken ct) =>
        await store.GetOfferingAsync(coachId, offeringId, ct)
        ?? Fail.NotFound<Offering>(ResourceNames.Offering(coachId, offeringId));

    /// <summary>Lists a coach's offerings ordered by id.</summary>
    public async Task<Page<Offering>> ListOfferingsAsync(string coachId, int pageSize, string? pageToken, CancellationToken ct)
    {
        var filter = $"offerings|{coachId}";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        _ = await GetCoachAsync(coachId, ct);
        var rows = await store.ListOfferingsAsync(coachId, page.After, page.Size + 1, ct);
        return Page.FromFetched(rows, page, o => o.Id, filter);
    }

    /// <summary>Updates an offering. The coach themself or an admin.</summary>
    public async Task<Offering> UpdateOfferingAsync(Caller caller, string coachId, string offeringId, OfferingDraft changes, string? etag, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "edit this coach's offerings");
        var current = await GetOfferingAsync(coachId, offeringId, ct);
        Etags.Check(etag, current.Version, current.Name);
        var updated = current.Apply(changes, Now());
        return await store.UpdateOfferingAsync(updated, current.Version, ct);
    }

    /// <summary>Deletes an offering. The coach themself or an admin.</summary>
    public async Task DeleteOfferingAsync(Caller caller, string coachId, string offeringId, string? etag, CancellationToken ct)
    {
        caller.RequireActsFor(coachId, "delete this coach's offerings");
        var current = await GetOfferingAsync(coachId, offeringId, ct);
        Etags.Check(etag, current.Version, current.Name);
        await store.DeleteOfferingAsync(coachId, offeringId, current.Version, Now(), ct);
    }

    private static void EnsureSameRequest<T>(CreateResult<T> result, IdempotencyKey? key)
    {
        if (key is not null && !result.Created && result.Fingerprint != key.Fingerprint)
        {
            Fail.RequestIdReused(key.RequestId);
        }
    }

    // Stores keep millisecond precision (BSON dates), so every stored instant is truncated alike.
    private Instant Now() => Instants.TruncateToMilliseconds(clock.GetCurrentInstant());
}
