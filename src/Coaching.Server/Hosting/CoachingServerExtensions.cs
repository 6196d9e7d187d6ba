using Coaching.Calendar;
using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using Coaching.Domain.Calendar;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Feeds;
using Coaching.Server.Availability;
using Coaching.Server.Bookings;
using Coaching.Server.Calendar;
using Coaching.Server.Coaches;
using Coaching.Server.Courses;
using Coaching.Server.Outbox;
using Coaching.Domain.Outbox;
using Coaching.Server.Errors;
using Coaching.Server.Identity;
using Coaching.Storage.Mongo;
using Coaching.Storage.Sqlite;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace Coaching.Server.Hosting;

/// <summary>All wiring of the server: options, store, identity, gRPC, health and reflection. Registration does no IO.</summary>
public static class CoachingServerExtensions
{
    /// <summary>Registers every service the server needs, binding the <c>Coaching</c> configuration section (validated at start).</summary>
    public static WebApplicationBuilder AddCoachingServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CoachingOptions>().Bind(builder.Configuration.GetSection(CoachingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CoachingOptions>, CoachingOptionsValidation>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<CoachingOptions>>().Value);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton<IIdGenerator, UlidGenerator>();
        services.AddSingleton<CoachDesk>();
        services.AddSingleton<SlotContextLoader>();
        services.AddSingleton<AvailabilityDesk>();
        services.AddSingleton<BookingDesk>();
        services.AddSingleton<FeedDesk>();
        services.AddSingleton<IBusyTimeReader, CommittedTime>();
        services.AddSingleton<EnrolmentInvites>();
        services.AddSingleton<CourseDesk>();
        services.AddSingleton<Coaching.Domain.Events.EventDesk>();
        services.AddSingleton<Coaching.Domain.Events.QuestionDesk>();
        services.AddSingleton<ICohortCalendarDetails, Coaching.Domain.Events.EventCalendarDetails>();
        services.AddSingleton<Coaching.Domain.ExternalCalendars.IExternalBusyParser, Coaching.Calendar.IcsBusyReader>();
        services.AddSingleton(sp => sp.GetRequiredService<CoachingOptions>().Calendars);
        services.AddSingleton<Coaching.Domain.ExternalCalendars.ISecretBox>(sp =>
        {
            var options = sp.GetRequiredService<CoachingOptions>();
            return Coaching.Server.ExternalCalendars.AesSecretBox.Create(options.Calendars.Key, options.ResolvedDataDirectory);
        });
        services.AddSingleton<Coaching.Domain.ExternalCalendars.ICalendarFetcher, Coaching.Server.ExternalCalendars.HttpCalendarFetcher>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<CoachingOptions>().Calendars;
            return Coaching.Domain.ExternalCalendars.CalendarSyncOptions.Default with
            {
                Interval = NodaTime.Duration.FromMilliseconds(o.RefreshMinutes * 60_000), KeepFor = NodaTime.Duration.FromMilliseconds(o.KeepDays * 86_400_000),
            };
        });
        services.AddSingleton<Coaching.Domain.ExternalCalendars.CalendarSync>();
        services.AddSingleton<Coaching.Domain.ExternalCalendars.CalendarConnectionDesk>();
        services.AddSingleton<Coaching.Server.ExternalCalendars.CalendarRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<Coaching.Server.ExternalCalendars.CalendarRefresher>());
        services.AddSingleton<ICalendarWriter, IcalWriter>();
        services.AddCoachingStore(builder.Configuration);
        services.AddCoachingTelemetry(builder.Configuration);
        services.AddCoachingDelivery();
        services.AddCoachingIdentity();

        var grpc = services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorInterceptor>();
            o.MaxReceiveMessageSize = OversizedRequests.MaxMessageBytes;
        });
        services.AddCoachingWeb(grpc);
        services.AddCoachingRateLimits();
        services.AddMalformedRequestAnswers();
        services.AddGrpcReflection();
        // Health answers from the last background run of the checks (every HealthRefreshSeconds), never from the store on each
        // probe: "" is the whole server, "store" and "outbox" each dependency's readiness.
        services.AddGrpcHealthChecks(o =>
        {
            o.UseHealthChecksCache = true;
            o.Services.Map(string.Empty, _ => true);
            o.Services.Map(StoreHealthCheck.Name, r => r.Name == StoreHealthCheck.Name);
            o.Services.Map(OutboxHealthCheck.Name, r => r.Name == OutboxHealthCheck.Name);
        }).AddCheck<StoreHealthCheck>(StoreHealthCheck.Name).AddCheck<OutboxHealthCheck>(OutboxHealthCheck.Name);
        services.AddOptions<HealthCheckPublisherOptions>().Configure<CoachingOptions>((publisher, options) =>
        {
            publisher.Delay = TimeSpan.Zero;
            publisher.Period = TimeSpan.FromSeconds(options.HealthRefreshSeconds);
        });
        return builder;
    }

    /// <summary>The outbox: event encoding, the admins' desk, the event stream's tail, the channels and the dispatcher.</summary>
    public static IServiceCollection AddCoachingDelivery(this IServiceCollection services)
    {
        services.AddSingleton<IEventEncoder, EventEncoder>();
        services.AddSingleton<DeliveryDesk>();
        services.AddSingleton<EventLogTail>();
        services.AddSingleton<RequestLoad>();
        services.AddSingleton(sp => sp.GetRequiredService<CoachingOptions>().Delivery);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<CoachingOptions>();
            var pickup = string.IsNullOrWhiteSpace(options.Smtp.PickupDirectory)
                ? Path.Combine(options.ResolvedDataDirectory, "mail")
                : Path.GetFullPath(options.Smtp.PickupDirectory);
            return new MailChannel(options.Smtp, pickup, sp.GetRequiredService<Coaching.Domain.Calendar.ICalendarWriter>());
        });
        services.AddSingleton(sp => new WebhookChannel(sp.GetRequiredService<CoachingOptions>().Webhooks));
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }

    /// <summary>
    /// Chooses the store named by <c>Coaching:Store</c>: <c>sqlite</c> (default) or <c>mongodb</c>. Only the choice is read here; the
    /// rest of the options are bound and validated when the host starts. An unknown name registers no store and fails that validation.
    /// </summary>
    public static IServiceCollection AddCoachingStore(this IServiceCollection services, IConfiguration configuration)
    {
        var store = configuration[$"{CoachingOptions.Section}:{nameof(CoachingOptions.Store)}"] ?? CoachingOptions.Sqlite;
        if (string.Equals(store, CoachingOptions.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            services.AddSqliteStore(sp =>
            {
                var options = sp.GetRequiredService<CoachingOptions>();
                return new SqliteDatabase(Path.Combine(options.ResolvedDataDirectory, "coaching.db"), options.SqliteSynchronous);
            });
        }
        else if (string.Equals(store, CoachingOptions.Mongo, StringComparison.OrdinalIgnoreCase))
        {
            services.AddMongoStore(sp => sp.GetRequiredService<CoachingOptions>().MongoDb.ConnectionString);
        }

        return services;
    }

    /// <summary>
    /// JWT bearer validation: a configured OpenID Connect authority, or the local development key (read, or created, the first time
    /// tokens are validated or the host starts, never during registration).
    /// </summary>
    public static IServiceCollection AddCoachingIdentity(this IServiceCollection services)
    {
        services.AddSingleton<LocalKeys>();
        services.AddAuthorization();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddSingleton<ValidatedTokens>();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<CoachingOptions, LocalKeys, ValidatedTokens>((jwt, options, keys, validated) =>
        {
            var auth = options.Auth;
            jwt.MapInboundClaims = false;
            var parameters = new TokenValidationParameters
            {
                NameClaimType = "sub",
                RoleClaimType = CallerContext.RoleClaim,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromMinutes(1),
            };
            if (string.IsNullOrWhiteSpace(auth.Authority))
            {
                var key = keys.Key;
                parameters.ValidIssuer = string.IsNullOrWhiteSpace(auth.Issuer) ? key.Issuer : auth.Issuer;
                parameters.ValidAudience = string.IsNullOrWhiteSpace(auth.Audience) ? key.Audience : auth.Audience;
                parameters.IssuerSigningKey = key.SecurityKey;
            }
            else
            {
                jwt.Authority = auth.Authority;
                parameters.ValidIssuer = string.IsNullOrWhiteSpace(auth.Issuer) ? auth.Authority : auth.Issuer;
                parameters.ValidAudience = string.IsNullOrWhiteSpace(auth.Audience) ? LocalSigningKey.DefaultAudience : auth.Audience;
            }

            jwt.TokenValidationParameters = parameters;
            jwt.Events = new JwtBearerEvents
            {
                OnChallenge = Errors.Unauthenticated.AnswerAsync,
                // A token validated before (the very same text, still within its time) is not validated again.
                OnMessageReceived = context =>
                {
                    var header = context.Request.Headers.Authorization.ToString();
                    if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        && validated.TryGet(header["Bearer ".Length..].Trim(), context.Options.TimeProvider!.GetUtcNow(), out var principal))
                    {
                        context.Principal = principal;
                        context.Success();
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    if (context.SecurityToken is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken token && context.Principal is { } principal)
                    {
                        validated.Add(token.EncodedToken, principal, new DateTimeOffset(token.ValidTo, TimeSpan.Zero), context.Options.TimeProvider!.GetUtcNow());
                    }

                    return Task.CompletedTask;
                },
            };
        });
        return services;
    }

    /// <summary>
    /// Validates the options (a clear message per bad setting), creates the local signing key when no authority is configured,
    /// and migrates the SQLite schema or creates MongoDB indexes, before the server takes calls.
    /// </summary>
    /// <exception cref="OptionsValidationException">When a setting is invalid.</exception>
    public static async Task InitializeAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<CoachingOptions>();
        if (string.IsNullOrWhiteSpace(options.Auth.Authority))
        {
            _ = app.Services.GetRequiredService<LocalKeys>().Key;
        }

        foreach (var initializer in app.Services.GetServices<IStoreInitializer>())
        {
            await initializer.InitializeAsync(app.Lifetime.ApplicationStopping);
        }

        // Readiness is known before the first call: one run of the checks, published where the background runs publish.
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(app.Lifetime.ApplicationStopping);
        foreach (var publisher in app.Services.GetServices<IHealthCheckPublisher>())
        {
            await publisher.PublishAsync(report, app.Lifetime.ApplicationStopping);
        }
    }

    /// <summary>Maps the gRPC services (also as REST/JSON and gRPC-Web), health (anonymous), reflection (anonymous) and the web surface.</summary>
    public static WebApplication MapCoachingEndpoints(this WebApplication app)
    {
        app.UseCoachingWeb();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<OversizedRequests>();
        app.UseMiddleware<RestInputCheck>();
        app.UseMiddleware<RequestLoad.Middleware>();
        app.MapGrpcService<CoachGrpcService>();
        app.MapGrpcService<AvailabilityGrpcService>();
        app.MapGrpcService<BookingGrpcService>();
        app.MapGrpcService<CourseGrpcService>();
        app.MapGrpcService<Coaching.Server.Events.EventGrpcService>();
        app.MapGrpcService<CalendarGrpcService>();
        app.MapGrpcService<DeliveryGrpcService>();
        app.MapFeeds();
        app.MapCoachingWeb();
        app.MapCoachingTelemetry();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }
}
