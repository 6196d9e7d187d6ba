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

    /// <summary>MongoDB settings, used when <see cref="Store"/> is <c>mongodb</c>.</summary>
    public MongoOptions MongoDb { get; set; } = new();

    /// <summary>Token validation settings.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>Calendar feed settings.</summary>
    public FeedOptions Feeds { get; set; } = new();

    /// <summary>The data directory with the default applied.</summary>
    public string ResolvedDataDirectory => string.IsNullOrWhiteSpace(DataDirectory)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "coaching")
        : Path.GetFullPath(DataDirectory);
}

/// <summary>MongoDB connection.</summary>
public sealed class MongoOptions
{
    /// <summary>A <c>mongodb://</c> or <c>mongodb+srv://</c> URI; its path names the database (default <c>coaching</c>).</summary>
    public string ConnectionString { get; set; } = string.Empty;
}

/// <summary>
/// Token validation. With an <see cref="Authority"/>, tokens are validated against that issuer's published
/// keys (OpenID Connect discovery). Without one, the server uses a local HMAC key in the data directory,
/// generated on first start, and the <c>coaching token</c> CLI mints development tokens with it.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>OpenID Connect authority (issuer URL) for production.</summary>
    public string Authority { get; set; } = string.Empty;

    /// <summary>Expected issuer; defaults to the authority, or <c>coaching-local</c> with the local key.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Expected audience; defaults to <c>coaching</c>.</summary>
    public string Audience { get; set; } = string.Empty;
}

/// <summary>Where calendar apps fetch feeds.</summary>
public sealed class FeedOptions
{
    /// <summary>Public base URL of the HTTP/1.1 feed endpoint (Kestrel endpoint "Feeds").</summary>
    public string BaseUrl { get; set; } = "http://localhost:5001";
}
