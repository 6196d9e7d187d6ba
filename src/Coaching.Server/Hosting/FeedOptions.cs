namespace Coaching.Server.Hosting;

/// <summary>Where calendar apps fetch feeds.</summary>
public sealed class FeedOptions
{
    /// <summary>Public base URL of the HTTP/1.1 feed endpoint (Kestrel endpoint "Feeds").</summary>
    public string BaseUrl { get; set; } = "http://localhost:5001";
}
