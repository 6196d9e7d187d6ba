namespace Coaching.Domain.Migration;

/// <summary>What a store-to-store copy moves, in the order it moves it (what others refer to first).</summary>
public enum MigrationKind
{
    /// <summary>Stored settings (the feed secret).</summary>
    Settings,
    /// <summary>Coaches, deleted ones included.</summary>
    Coaches,
    /// <summary>Offerings, deleted ones included.</summary>
    Offerings,
    /// <summary>Weekly hours.</summary>
    Schedules,
    /// <summary>Date overrides.</summary>
    Overrides,
    /// <summary>Courses.</summary>
    Courses,
    /// <summary>Cohorts with their claims and enrolments.</summary>
    Cohorts,
    /// <summary>Messages sent for enrolments.</summary>
    EnrolmentInvites,
    /// <summary>Bookings with their claims, history and invites.</summary>
    Bookings,
    /// <summary>Personal feeds.</summary>
    Feeds,
    /// <summary>Webhook subscriptions.</summary>
    Webhooks,
    /// <summary>The event log.</summary>
    Log,
    /// <summary>Deliveries of every state.</summary>
    Deliveries,

    /// <summary>Event profiles (an event's cohort is copied with the cohorts).</summary>
    Events,

    /// <summary>Questions for events' hosts, with their voters.</summary>
    Questions,

    /// <summary>Coaches' calendar connections (still sealed) with the busy time kept from each.</summary>
    CalendarConnections,
}
