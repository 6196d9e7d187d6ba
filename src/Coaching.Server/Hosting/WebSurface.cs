using System.Net;
using Coaching.Contracts.V1;
using Coaching.Server.Identity;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Coaching.Server.Hosting;

/// <summary>
/// What browsers and web apps get: every RPC as REST/JSON (gRPC JSON transcoding of the <c>google.api.http</c> annotations),
/// gRPC-Web, CORS for configured origins, the OpenAPI document and its interactive page, and the booking page.
/// </summary>
public static class WebSurface
{
    /// <summary>The OpenAPI document's address.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>The interactive API page's address.</summary>
    public const string ApiPagePath = "api";

    /// <summary>Every service of coaching.v1, as the OpenAPI document describes them.</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
    [
        .. new[]
        {
            CoachReflection.Descriptor, AvailabilityReflection.Descriptor, BookingReflection.Descriptor, CalendarReflection.Descriptor,
            CourseReflection.Descriptor, DeliveryReflection.Descriptor, EventReflection.Descriptor,
        }.SelectMany(f => f.Services),
    ];

    /// <summary>Headers a browser script may read from a gRPC-Web or REST answer of another origin.</summary>
    private static readonly string[] ExposedHeaders = ["grpc-status", "grpc-message", "grpc-status-details-bin", "etag", "retry-after"];

    /// <summary>Registers transcoding options, the OpenAPI generator and CORS (origins read from <c>Coaching:Web</c> when the host starts).</summary>
    public static IServiceCollection AddCoachingWeb(this IServiceCollection services, IGrpcServerBuilder grpc)
    {
        grpc.AddJsonTranscoding(o =>
        {
            o.TypeRegistry = Errors.ErrorJson.Details;
            o.JsonSettings.WriteInt64sAsStrings = true; // the protobuf JSON mapping (and the OpenAPI document): 64-bit integers are strings
        });
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<CoachingOptions>((cors, options) => cors.AddDefaultPolicy(policy =>
        {
            if (options.Web.AllowedOrigins.Length > 0)
            {
                policy.WithOrigins(options.Web.AllowedOrigins).AllowAnyHeader().AllowAnyMethod().WithExposedHeaders(ExposedHeaders)
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            }
        }));
        return services;
    }

    /// <summary>The browser middleware, before authentication: gRPC-Web framing and CORS (preflights answered without a token).</summary>
    public static WebApplication UseCoachingWeb(this WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<CoachingOptions>().Web.TrustedProxies;
        if (proxies.Length > 0)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            app.UseForwardedHeaders(forwarded);
        }

        // The gRPC-Web middleware presents every call as application/grpc; remember which arrived base64-encoded (see OversizedRequests).
        app.Use((context, next) =>
        {
            if (context.Request.ContentType?.StartsWith("application/grpc-web-text", StringComparison.OrdinalIgnoreCase) == true)
            {
                context.Items[Errors.OversizedRequests.GrpcWebTextItem] = true;
            }

            return next(context);
        });
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.UseCors();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }

    /// <summary>Maps the OpenAPI document, its page, and the development token endpoint (local key only).</summary>
    public static WebApplication MapCoachingWeb(this WebApplication app)
    {
        var document = new Lazy<string>(() => ApiDocument.Write(Services, Path.Combine(AppContext.BaseDirectory, "Coaching.Contracts.xml")));
        app.MapGet(OpenApiPath, () => Results.Text(document.Value, "application/json; charset=utf-8")).AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = ApiPagePath;
            o.SwaggerEndpoint(OpenApiPath, "Coaching API v1");
            o.DocumentTitle = "Coaching API";
        });
        var options = app.Services.GetRequiredService<CoachingOptions>();
        var devTokens = string.IsNullOrWhiteSpace(options.Auth.Authority) && options.Web.DevelopmentTokens;
        // What the booking page needs to know before it asks for anything (so it never probes an endpoint that is not there).
        app.MapGet("/web/config", () => Results.Json(new { developmentTokens = devTokens })).AllowAnonymous();
        if (devTokens)
        {
            app.MapPost("/dev/token", (DevTokenRequest request, HttpContext http, LocalKeys keys, NodaTime.IClock clock) =>
                http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
                    ? DevTokens.Mint(keys.Key, request, clock.GetCurrentInstant()) is { } token ? Results.Json(new { token }) : Results.BadRequest(DevTokens.Rules)
                    : Results.NotFound()).AllowAnonymous();
        }

        return app;
    }
}
