namespace Coaching.Server.ExternalCalendars;

/// <summary>Coaching:Calendars — coaches' own calendars.</summary>
public sealed class CalendarOptions
{
    /// <summary>
    /// The key that seals calendar URLs at rest: 32 bytes, base64. Empty: a random key kept in <c>calendar-key</c> in the data
    /// directory (fine for one machine; set one key for every server in production).
    /// </summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>Minutes between background syncs of one calendar.</summary>
    public double RefreshMinutes { get; set; } = 10;

    /// <summary>Days a failing calendar's last busy time is kept.</summary>
    public double KeepDays { get; set; } = 3;

    /// <summary>Allow calendar URLs on loopback and private networks (tests, or a CalDAV server inside the network).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Seconds one fetch may take.</summary>
    public double FetchTimeoutSeconds { get; set; } = 20;

    /// <summary>Seconds between the refresher's looks for due calendars (jittered by up to two fifths).</summary>
    public double PollSeconds { get; set; } = 5;

    /// <summary>Run the background refresher.</summary>
    public bool Refresh { get; set; } = true;
}
