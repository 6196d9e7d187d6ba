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

        var delivery = options.Delivery;
        Check(failures, delivery.MaxAttempts is >= 1 and <= 100, "Coaching:Delivery:MaxAttempts must be between 1 and 100.");
        Check(failures, delivery.RetryBaseSeconds is >= 0.01 and <= 3600, "Coaching:Delivery:RetryBaseSeconds must be between 0.01 and 3600.");
        Check(failures, delivery.RetentionHours is >= 0.001 and <= 87600, "Coaching:Delivery:RetentionHours must be between 0.001 and 87600.");
        Check(failures, delivery.LeaseSeconds is >= 1 and <= 3600, "Coaching:Delivery:LeaseSeconds must be between 1 and 3600.");
        Check(failures, delivery.MaxShare is > 0 and <= 1, "Coaching:Delivery:MaxShare must be more than 0 and at most 1.");
        Check(failures, delivery.Parallelism is >= 1 and <= 64, "Coaching:Delivery:Parallelism must be between 1 and 64.");
        Check(failures, delivery.PollMilliseconds is >= 10 and <= 60000, "Coaching:Delivery:PollMilliseconds must be between 10 and 60000.");
        foreach (var (kind, budget) in new[] { ("Reads", options.RateLimits.Reads), ("Writes", options.RateLimits.Writes),
                     ("Expensive", options.RateLimits.Expensive), ("Anonymous", options.RateLimits.Anonymous) })
        {
            Check(failures, budget.PerSecond is >= 1 and <= 1_000_000 && budget.Burst >= 1 && budget.Burst <= 10_000_000,
                $"Coaching:RateLimits:{kind} needs PerSecond between 1 and 1000000 and Burst between 1 and 10000000.");
        }

        Check(failures, options.HealthRefreshSeconds is >= 1 and <= 3600, "Coaching:HealthRefreshSeconds must be between 1 and 3600.");
        foreach (var proxy in options.Web.TrustedProxies)
        {
            Check(failures, System.Net.IPAddress.TryParse(proxy, out _), $"Coaching:Web:TrustedProxies holds '{Excerpt(proxy)}', which is not an IP address.");
        }

        var smtp = options.Smtp;
        Check(failures, smtp.Port is >= 1 and <= 65535, "Coaching:Smtp:Port must be between 1 and 65535.");
        Check(failures, smtp.TimeoutSeconds is >= 1 and <= 600, "Coaching:Smtp:TimeoutSeconds must be between 1 and 600.");
        Check(failures, Enum.TryParse<MailKit.Security.SecureSocketOptions>(smtp.Security, ignoreCase: true, out var security)
            && security != MailKit.Security.SecureSocketOptions.Auto,
            $"Coaching:Smtp:Security must be StartTls, SslOnConnect, StartTlsWhenAvailable or None, not '{Excerpt(smtp.Security)}'.");
        Check(failures, MimeKit.MailboxAddress.TryParse(smtp.From, out var from) && Coaching.Domain.Coaches.EmailAddress.IsPlausible(from.Address),
            $"Coaching:Smtp:From must be an e-mail address (optionally 'Name <address>'), not '{Excerpt(smtp.From)}'.");
        Check(failures, string.IsNullOrWhiteSpace(smtp.TrustedCertificateFile) || File.Exists(smtp.TrustedCertificateFile),
            $"Coaching:Smtp:TrustedCertificateFile '{Excerpt(smtp.TrustedCertificateFile)}' does not exist.");
        Check(failures, options.Webhooks.TimeoutSeconds is >= 1 and <= 120, "Coaching:Webhooks:TimeoutSeconds must be between 1 and 120.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, bool ok, string message)
    {
        if (!ok)
        {
            failures.Add(message);
        }
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
