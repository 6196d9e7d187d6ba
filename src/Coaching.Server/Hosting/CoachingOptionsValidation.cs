using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace Coaching.Server.Hosting;

/// <summary>Checks the <c>Coaching</c> settings when the host starts, with one message per bad setting naming it.</summary>
public sealed class CoachingOptionsValidation : IValidateOptions<CoachingOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CoachingOptions options)
    {
        var failures = new List<string>();
        var store = options.Store;
        var isMongo = string.Equals(store, CoachingOptions.Mongo, StringComparison.OrdinalIgnoreCase);
        if (!isMongo && !string.Equals(store, CoachingOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Coaching:Store must be '{CoachingOptions.Sqlite}' or '{CoachingOptions.Mongo}', not '{Excerpt(store)}'.");
        }

        if (isMongo)
        {
            if (string.IsNullOrWhiteSpace(options.MongoDb.ConnectionString))
            {
                failures.Add("Coaching:Store is mongodb but Coaching:MongoDb:ConnectionString is empty.");
            }
            else if (!IsMongoUrl(options.MongoDb.ConnectionString))
            {
                failures.Add("Coaching:MongoDb:ConnectionString is not a mongodb:// or mongodb+srv:// URI.");
            }
        }

        if (!IsHttpUrl(options.Feeds.BaseUrl))
        {
            failures.Add($"Coaching:Feeds:BaseUrl must be an absolute http or https URL, not '{Excerpt(options.Feeds.BaseUrl)}'.");
        }

        if (!string.IsNullOrWhiteSpace(options.Auth.Authority) && !IsHttpUrl(options.Auth.Authority))
        {
            failures.Add($"Coaching:Auth:Authority must be an absolute http or https URL, not '{Excerpt(options.Auth.Authority)}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool IsMongoUrl(string value)
    {
        try
        {
            _ = MongoUrl.Create(value);
            return true;
        }
        catch (MongoConfigurationException)
        {
            return false;
        }
    }

    private static string Excerpt(string value) => Coaching.Domain.Common.Text.Excerpt(value);
}
