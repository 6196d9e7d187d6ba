namespace Coaching.Server.Hosting;

/// <summary>MongoDB connection.</summary>
public sealed class MongoOptions
{
    /// <summary>A <c>mongodb://</c> or <c>mongodb+srv://</c> URI; its path names the database (default <c>coaching</c>).</summary>
    public string ConnectionString { get; set; } = string.Empty;
}
