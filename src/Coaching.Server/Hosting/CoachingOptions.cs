using Coaching.Storage.Sqlite;

namespace Coaching.Server.Hosting;

/// <summary>The <c>Coaching</c> configuration section (appsettings, <c>Coaching__*</c> environment variables, command line).</summary>
public sealed class CoachingOptions
{
    public const string Section = "Coaching";

    /// <summary>The embedded store's name.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The production store's name.</summary>
    public const string Mongo = "mongodb";

    /// <summary><c>sqlite</c> (default, embedded) or <c>mongodb</c>.</summary>
    public string Store { get; set; } = Sqlite;

    /// <summary>
    /// Where the embedded store's database and the local signing key live. Empty means
    /// <c>$XDG_DATA_HOME/coaching</c> (usually <c>~/.local/share/coaching</c>).
    /// </summary>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>
    /// How the embedded store commits: <c>Full</c> (default; a confirmed booking survives power loss) or <c>Normal</c>
    /// (survives a crash of the process; the latest commits may be lost when the machine loses power).
    /// </summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>MongoDB settings, used when <see cref="Store"/> is <c>mongodb</c>.</summary>
    public MongoOptions MongoDb { get; set; } = new();

    /// <summary>Token validation settings.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>Calendar feed settings.</summary>
    public FeedOptions Feeds { get; set; } = new();

    /// <summary>How often the health checks run in the background (seconds, at least 1); probes answer from the last run.</summary>
    public double HealthRefreshSeconds { get; set; } = 5;

    /// <summary>OpenTelemetry export (off by default).</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>Per-caller rate limits.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Browsers: allowed CORS origins and the booking page's development tokens.</summary>
    public WebOptions Web { get; set; } = new();

    /// <summary>Outbox dispatcher settings.</summary>
    public Outbox.DeliveryOptions Delivery { get; set; } = new();

    /// <summary>E-mail settings.</summary>
    public Outbox.SmtpOptions Smtp { get; set; } = new();

    /// <summary>Webhook settings.</summary>
    public Outbox.WebhookOptions Webhooks { get; set; } = new();

    /// <summary>Coaches' own calendars (see <see cref="ExternalCalendars.CalendarOptions"/>).</summary>
    public ExternalCalendars.CalendarOptions Calendars { get; set; } = new();

    /// <summary>The data directory with the default applied.</summary>
    public string ResolvedDataDirectory => string.IsNullOrWhiteSpace(DataDirectory)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "coaching")
        : Path.GetFullPath(DataDirectory);
}
