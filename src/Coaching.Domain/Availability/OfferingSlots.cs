using Coaching.Domain.Coaches;
using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>Open slots of one offering, with what a client app needs to show them.</summary>
public sealed record OfferingSlots(Coach Coach, Offering Offering, SlotListing Listing, Duration Step);
