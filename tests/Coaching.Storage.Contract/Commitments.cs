using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Storage.Contract;

/// <summary>Builders of coaches, offerings and bookings shared by the contracts that need a coach's commitments.</summary>
internal static class Commitments
{
    public static async Task<(Coach Coach, Offering Offering)> SeedCoachAsync(ICoachStore coaches, IClock clock, int dailyCap = 0)
    {
        var ids = new UlidGenerator(clock);
        var coach = Coach.Create(ids.NewId(), new CoachDraft("Ada", "", "a@b.co", [], "UTC"), clock.GetCurrentInstant());
        var offering = Offering.Create(ids.NewId(), coach.Id, new OfferingDraft("Coaching", Duration: Duration.FromMinutes(60),
            BufferBefore: Duration.FromMinutes(10), BufferAfter: Duration.FromMinutes(5), DailyCap: dailyCap), clock.GetCurrentInstant());
        await coaches.CreateCoachAsync(coach, null, default);
        await coaches.CreateOfferingAsync(offering, null, default);
        return (coach, offering);
    }

    public static Booking NewBooking(IClock clock, Coach coach, Offering offering, Instant start, string client = "ann") => new()
    {
        Id = new UlidGenerator(clock).NewId(),
        CoachId = coach.Id,
        OfferingId = offering.Id,
        ClientId = client,
        Start = start,
        End = start + offering.Duration,
        BufferBefore = offering.BufferBefore,
        BufferAfter = offering.BufferAfter,
        CoachTimeZoneId = coach.TimeZoneId,
        Agenda = "Agenda 📄",
        Title = offering.Title,
        CoachName = coach.DisplayName,
        CoachEmail = coach.Email,
        ClientName = client,
        ClientEmail = $"{client}@example.org",
        InviteSequence = 0,
        State = BookingState.Confirmed,
        History = [new BookingEvent(BookingState.Confirmed, "users/ann", clock.GetCurrentInstant(), "", null, "r")],
        CreateTime = clock.GetCurrentInstant(),
        UpdateTime = clock.GetCurrentInstant(),
        Version = 1,
    };

    /// <summary>Stores a booking with its claims, as the booking desk does; null when the store refuses it.</summary>
    public static async Task<Booking?> BookAsync(IBookingStore bookings, IClock clock, Coach coach, Offering offering, Instant start, string client = "ann")
    {
        var booking = NewBooking(clock, coach, offering, start, client);
        var write = await bookings.CreateAsync(booking, ClaimKeys.For(booking, offering, coach.TimeZone),
            IdempotencyKey.Create(client, Guid.NewGuid().ToString(), true, "x")!, null, default);
        return write is BookingWrite.Stored { Booking: var stored } ? stored : null;
    }
}
