using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Coaching.Domain.Common;

/// <summary>
/// The service's own traces and metrics (System.Diagnostics: free while nobody listens). The server exports them with
/// OpenTelemetry when configured; tests and <c>dotnet-counters</c> can listen directly.
/// </summary>
public static class Telemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Coaching";

    /// <summary>Spans of store calls.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Bookings stored (retries of a request that was already stored are not counted again).</summary>
    public static readonly Counter<long> BookingsCreated = Meter.CreateCounter<long>("coaching.bookings.created", "{booking}", "Bookings created.");

    /// <summary>Calls refused with a reason (every RPC; the tags say which and why).</summary>
    public static readonly Counter<long> Refusals = Meter.CreateCounter<long>("coaching.requests.refused", "{call}",
        "Calls refused by a rule, by RPC and reason (CreateBooking with SLOT_UNAVAILABLE, ...).");

    /// <summary>Enrolment requests by outcome.</summary>
    public static readonly Counter<long> Enrolments = Meter.CreateCounter<long>("coaching.enrolments", "{enrolment}",
        "Enrolment requests by outcome: enrolled, waitlisted, replayed, already_enrolled, not_open, waitlist_full.");

    /// <summary>Time spent computing open slots (the calculation only, not the reads).</summary>
    public static readonly Histogram<double> SlotComputation = Meter.CreateHistogram<double>("coaching.slots.compute_duration", "ms",
        "Time to compute the open slots of one offering over the asked range.");

    /// <summary>Store call latency by operation.</summary>
    public static readonly Histogram<double> StoreDuration = Meter.CreateHistogram<double>("coaching.store.duration", "ms",
        "Duration of one store call, by operation (Interface.Method) and outcome.");
}
