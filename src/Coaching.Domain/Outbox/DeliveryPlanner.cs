using Coaching.Domain.Coaches;
using NodaTime;

namespace Coaching.Domain.Outbox;

/// <summary>
/// Fans a logged entry out into deliveries: its invite by e-mail to the attendee (the iMIP message) and to the organizer (the
/// event as PUBLISH, in a notification), and its event to every active webhook that wants its type. A person without a usable
/// e-mail address gets a <see cref="DeliveryState.Skipped"/> delivery, so the reason is visible. Ids derive from the entry, so
/// planning the same entry again yields the same deliveries.
/// </summary>
public static class DeliveryPlanner
{
    /// <summary>The deliveries of <paramref name="logged"/>.</summary>
    public static IEnumerable<Delivery> Plan(LoggedEntry logged, IReadOnlyList<Webhook> webhooks, Instant now)
    {
        var (position, entry) = logged;
        if (entry.Mail is { } mail)
        {
            yield return Mail(position, entry, $"{entry.Id}-a", mail.AttendeeEmail, Delivery.Attendee, now);
            yield return Mail(position, entry, $"{entry.Id}-o", mail.OrganizerEmail, Delivery.Organizer, now);
        }

        if (!entry.IsPublic)
        {
            yield break;
        }

        foreach (var hook in webhooks.Where(h => h.Wants(entry.Type)))
        {
            yield return new Delivery($"{entry.Id}-w{hook.Id}", position, entry.Id, entry.Type, entry.Resource, DeliveryChannel.Webhook, hook.Name,
                string.Empty, DeliveryState.Pending, 0, string.Empty, now, now);
        }
    }

    /// <summary>Whether mail to <paramref name="address"/> can reach anyone (addresses under <c>.invalid</c> are placeholders).</summary>
    public static bool IsDeliverable(string address) =>
        EmailAddress.IsPlausible(address) && !address.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase);

    private static Delivery Mail(long position, OutboxEntry entry, string id, string address, string role, Instant now)
    {
        var deliverable = IsDeliverable(address);
        return new Delivery(id, position, entry.Id, entry.Type, entry.Resource, DeliveryChannel.Email, deliverable ? address : string.Empty, role,
            deliverable ? DeliveryState.Pending : DeliveryState.Skipped, 0, deliverable ? string.Empty : $"the {role} has no e-mail address", now, now);
    }
}
