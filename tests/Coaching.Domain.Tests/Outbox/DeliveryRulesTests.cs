using Coaching.Domain.Calendar;
using Coaching.Domain.Common;
using Coaching.Domain.Identity;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Tests.Outbox;

/// <summary>Who sees which event, and which deliveries an entry fans out into.</summary>
public class DeliveryRulesTests
{
    private static readonly Instant At = Instant.FromUtc(2026, 12, 1, 9, 0);

    private static OutboxEntry Booking(string type = "booking.created", MailOrder? mail = null) =>
        new("e1", type, "bookings/b1", ["users/ann", "coaches/c1"], [1], mail, At);

    private static MailOrder Mail(string attendee, string organizer) => new(InviteMethod.Request, "u", 0, [1], "Ann", attendee, "Ada", organizer, "CV",
        At, At + Duration.FromMinutes(30), "UTC");

    public static TheoryData<Caller, EventView> Viewers => new()
    {
        { new Caller("ann", Role.Client), EventView.Full },
        { new Caller("bob", Role.Client), EventView.AvailabilityOnly },
        { new Caller("ada", Role.Coach, "c1"), EventView.Full },
        { new Caller("zed", Role.Coach, "c2"), EventView.AvailabilityOnly },
        { new Caller("root", Role.Admin), EventView.Full },
        // A client whose user id happens to equal a coach id is still a client: it is the audience entry's kind that counts.
        { new Caller("c1", Role.Client), EventView.AvailabilityOnly },
    };

    [Theory]
    [MemberData(nameof(Viewers))]
    public void ABookingEvent_IsSeenInFull_OnlyByItsParties_AndAdmins(Caller caller, EventView expected) =>
        Assert.Equal(expected, DeliveryDesk.ViewFor(caller, Booking()));

    [Fact]
    public void InviteOnlyEntries_AreNeverOnTheStream_AvailabilityIsForEveryone()
    {
        var invite = new OutboxEntry("e2", OutboxEntry.InviteOnly, "courses/c/cohorts/h/enrolments/e", ["users/ann"], [], Mail("ann@example.org", "ada@example.org"), At);
        var hours = new OutboxEntry("e3", AvailabilityChange.EventType, "coaches/c1", [OutboxEntry.Everyone], [1], null, At);

        Assert.Equal(EventView.None, DeliveryDesk.ViewFor(new Caller("root", Role.Admin), invite));
        Assert.Equal(EventView.None, DeliveryDesk.ViewFor(new Caller("ann", Role.Client), invite));
        Assert.Equal(EventView.Full, DeliveryDesk.ViewFor(new Caller("bob", Role.Client), hours));
    }

    [Fact]
    public void FanOut_MailsBothPeople_SkipsPlaceholderAddresses_AndCallsTheWebhooksThatWantTheType()
    {
        var hooks = new[]
        {
            new Webhook("all", "https://example.org/a", [], true, "s", At),
            new Webhook("cancels", "https://example.org/b", ["booking.cancelled"], true, "s", At),
            new Webhook("off", "https://example.org/c", [], false, "s", At),
        };

        var plan = DeliveryPlanner.Plan(new LoggedEntry(7, Booking(mail: Mail("ann-x@users.invalid", "ada@example.org"))), hooks, At).ToList();
        var again = DeliveryPlanner.Plan(new LoggedEntry(7, Booking(mail: Mail("ann-x@users.invalid", "ada@example.org"))), hooks, At).ToList();

        Assert.Equal(["e1-a", "e1-o", "e1-wall"], plan.Select(d => d.Id));
        Assert.Equal(plan, again);
        Assert.Equal((DeliveryState.Skipped, string.Empty), (plan[0].State, plan[0].Recipient));
        Assert.Equal((DeliveryState.Pending, "ada@example.org", Delivery.Organizer), (plan[1].State, plan[1].Recipient, plan[1].Role));
        Assert.Equal(("webhooks/all", 7L), (plan[2].Recipient, plan[2].Position));
        Assert.NotEqual(plan[1].Stream, plan[2].Stream);
    }

    [Theory]
    [InlineData(-1, null, null, "after_position")]
    [InlineData(0, "booking.nope", null, "event_types[0]")]
    [InlineData(0, null, "coaches", "resource")]
    [InlineData(0, null, "coaches//x", "resource")]
    public void WatchFilters_AreChecked(long after, string? type, string? resource, string field)
    {
        var error = Assert.Throws<DomainException>(() => DeliveryDesk.CheckWatch(after, type is null ? [] : [type], resource));

        Assert.Contains(field, error.Violations.Select(v => v.Field));
    }
}
