using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Coaching.Server.Errors;
using Coaching.Server.Identity;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using Status = Google.Rpc.Status;

namespace Coaching.Server.Hosting;

/// <summary>
/// Per-caller rate limits (ASP.NET Core rate limiting): one token bucket per (caller, kind of call). A caller over a budget is
/// refused at once, before the call does any work: over gRPC RESOURCE_EXHAUSTED with reason <c>RATE_LIMITED</c> and a
/// <c>google.rpc.RetryInfo</c> saying when to try again; over REST 429 with <c>Retry-After</c> and the same status as JSON.
/// Health checks and reflection are never limited, so orchestrator probes cannot fail because of load.
/// </summary>
public static class RateLimits
{
    /// <summary>The reason of a refusal.</summary>
    public const string Reason = "RATE_LIMITED";

    private static readonly HashSet<string> ExpensiveMethods = new(StringComparer.Ordinal) { "ListAvailableSlots", "SearchAvailability" };

    private static readonly string[] ReadPrefixes = ["Get", "List", "Watch"];

    /// <summary>The kind of call an endpoint is, for its budget; null for what is never limited.</summary>
    public static string? KindOf(HttpContext context)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        if (method is null)
        {
            return context.Request.Path.StartsWithSegments("/feeds", StringComparison.Ordinal) ? "anonymous" : null;
        }

        if (method.ServiceName is "grpc.health.v1.Health" || method.ServiceName.StartsWith("grpc.reflection.", StringComparison.Ordinal))
        {
            return null;
        }

        return ExpensiveMethods.Contains(method.Name) ? "expensive"
            : ReadPrefixes.Any(p => method.Name.StartsWith(p, StringComparison.Ordinal)) ? "reads"
            : "writes";
    }

    /// <summary>Registers the limiter; the budgets are read from the options when the host starts.</summary>
    public static IServiceCollection AddCoachingRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<CoachingOptions>((limiter, coaching) =>
        {
            var options = coaching.RateLimits;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, options));
            limiter.OnRejected = (rejected, ct) => new ValueTask(RefuseAsync(rejected.HttpContext, rejected.Lease, ct));
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions options)
    {
        var kind = KindOf(context);
        var user = context.User;
        var subject = user.FindFirstValue("sub");
        if (!options.Enabled || kind is null
            || (subject is not null && options.ExemptRoles.Contains(user.FindFirstValue(CallerContext.RoleClaim), StringComparer.Ordinal)))
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        var (caller, budget) = subject is null
            ? ($"ip:{context.Connection.RemoteIpAddress ?? IPAddress.None}", options.Anonymous)
            : ($"sub:{subject}", kind switch { "expensive" => options.Expensive, "writes" => options.Writes, _ => options.Reads });
        var key = $"{kind}|{caller}";
        // Refilled ten times a second, or once per token for rates under ten a second.
        var (period, tokens) = budget.PerSecond >= 10
            ? (TimeSpan.FromMilliseconds(100), budget.PerSecond / 10)
            : (TimeSpan.FromSeconds(1.0 / budget.PerSecond), 1);
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = budget.Burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async Task RefuseAsync(HttpContext context, RateLimitLease lease, CancellationToken ct)
    {
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : TimeSpan.FromSeconds(1);
        var status = new Status
        {
            Code = (int)StatusCode.ResourceExhausted,
            Message = $"Too many calls of this kind from this caller; try again in {Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s.",
            Details =
            {
                Any.Pack(new ErrorInfo { Reason = Reason, Domain = ErrorInterceptor.ErrorDomain, Metadata = { ["kind"] = KindOf(context) ?? string.Empty } }),
                Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retry) }),
            },
        };
        var response = context.Response;
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            // Trailers-only, as gRPC answers a call refused before its handler (the gRPC-Web middleware reframes it for browsers).
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = ((int)StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
            response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
            return;
        }

        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        response.ContentType = "application/json; charset=utf-8";
        await response.WriteAsync(ErrorJson.Formatter.Format(status), ct);
    }
}
