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
using Coaching.Server.Errors;
using Coaching.Server.Identity;
using Coaching.Storage.Mongo;
using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Calendar;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Courses;
using Coaching.Storage.Sqlite;
using Coaching.Storage.Sqlite.Availability;
using Coaching.Storage.Sqlite.Bookings;
using Coaching.Storage.Sqlite.Coaches;
using Coaching.Storage.Sqlite.Courses;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace Coaching.Server.Hosting;

/// <summary>All wiring of the server: options, store, identity, gRPC, health and reflection.</summary>
public static class CoachingServerExtensions
{
    /// <summary>Registers every service the server needs, reading the <c>Coaching</c> configuration section.</summary>
    public static WebApplicationBuilder AddCoachingServer(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(CoachingOptions.Section).Get<CoachingOptions>() ?? new CoachingOptions();
        var services = builder.Services;
        services.AddSingleton(options);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        services.AddSingleton<IClock>(SystemClock.Instance);
        services.AddSingleton<IIdGenerator, UlidGenerator>();
        services.AddSingleton<CoachCatalog>();
        services.AddSingleton<AvailabilityPlanner>();
        services.AddSingleton<BookingDesk>();
        services.AddSingleton<FeedDesk>();
        // Availability and bookings see every commitment of a coach (bookings and cohort sessions); a new cohort
        // session is checked against bookings only.
        services.AddSingleton<IBusyTimeReader>(sp => new CommittedTime(sp.GetRequiredService<BookingBusyTime>().Reader, sp.GetRequiredService<ICourseStore>()));
        services.AddSingleton<EnrolmentInvites>();
        services.AddSingleton(sp => new CourseDesk(sp.GetRequiredService<ICourseStore>(), sp.GetRequiredService<ICoachStore>(),
            sp.GetRequiredService<BookingBusyTime>().Reader, sp.GetRequiredService<EnrolmentInvites>(), sp.GetRequiredService<IEnrolmentInviteStore>(),
            sp.GetRequiredService<IClock>(), sp.GetRequiredService<IIdGenerator>()));
        services.AddSingleton<ICalendarWriter, IcalWriter>();
        services.AddCoachingStore(options);
        services.AddCoachingIdentity(options);

        services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorInterceptor>();
            o.MaxReceiveMessageSize = 1024 * 1024;
        });
        services.AddMalformedRequestAnswers();
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
        return builder;
    }

    /// <summary>Chooses the store from configuration: <c>sqlite</c> (default) or <c>mongodb</c>.</summary>
    public static IServiceCollection AddCoachingStore(this IServiceCollection services, CoachingOptions options)
    {
        switch (options.Store.ToLowerInvariant())
        {
            case "sqlite":
                var database = new SqliteDatabase(Path.Combine(options.ResolvedDataDirectory, "coaching.db"));
                services.AddSingleton(database);
                services.AddSingleton<IStoreHealth>(database);
                services.AddSingleton<ICoachStore, SqliteCoachStore>();
                services.AddSingleton<IAvailabilityStore, SqliteAvailabilityStore>();
                services.AddSingleton(new BookingBusyTime(new SqliteBusyTimeReader(database)));
                services.AddSingleton<ICourseStore, SqliteCourseStore>();
                services.AddSingleton<IEnrolmentInviteStore, SqliteEnrolmentInviteStore>();
                services.AddSingleton<IBookingStore, SqliteBookingStore>();
                services.AddSingleton<IFeedStore, SqliteFeedStore>();
                services.AddSingleton<IStoreInitializer>(new StoreInitializer(database.MigrateAsync));
                break;
            case "mongodb":
                if (string.IsNullOrWhiteSpace(options.MongoDb.ConnectionString))
                {
                    throw new InvalidOperationException("Coaching:Store is mongodb but Coaching:MongoDb:ConnectionString is empty.");
                }

                var mongo = MongoStore.Connect(options.MongoDb.ConnectionString);
                services.AddSingleton(mongo);
                services.AddSingleton<IStoreHealth>(mongo);
                services.AddSingleton<ICoachStore, MongoCoachStore>();
                services.AddSingleton<IAvailabilityStore, MongoAvailabilityStore>();
                services.AddSingleton(new BookingBusyTime(new MongoBusyTimeReader(mongo)));
                services.AddSingleton<ICourseStore, MongoCourseStore>();
                services.AddSingleton<IEnrolmentInviteStore, MongoEnrolmentInviteStore>();
                services.AddSingleton<IBookingStore, MongoBookingStore>();
                services.AddSingleton<IFeedStore, MongoFeedStore>();
                services.AddSingleton<IStoreInitializer>(new StoreInitializer(mongo.EnsureIndexesAsync));
                break;
            default:
                throw new InvalidOperationException($"Coaching:Store must be 'sqlite' or 'mongodb', not '{options.Store}'.");
        }

        return services;
    }

    /// <summary>JWT bearer validation: a configured OpenID Connect authority, or the local development key.</summary>
    public static IServiceCollection AddCoachingIdentity(this IServiceCollection services, CoachingOptions options)
    {
        var auth = options.Auth;
        // Created eagerly so the key exists from the first start, before any token is minted.
        var localKey = string.IsNullOrWhiteSpace(auth.Authority) ? LocalSigningKey.LoadOrCreate(options.ResolvedDataDirectory) : null;
        services.AddAuthorization();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
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
            if (localKey is { } key)
            {
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
        });
        return services;
    }

    /// <summary>Migrates the SQLite schema or creates MongoDB indexes before the server takes calls.</summary>
    public static async Task InitializeStoreAsync(this WebApplication app)
    {
        foreach (var initializer in app.Services.GetServices<IStoreInitializer>())
        {
            await initializer.InitializeAsync(app.Lifetime.ApplicationStopping).ConfigureAwait(false);
        }
    }

    /// <summary>Maps the gRPC services, health (anonymous) and reflection (anonymous).</summary>
    public static WebApplication MapCoachingEndpoints(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<OversizedRequests>();
        app.MapGrpcService<CoachGrpcService>();
        app.MapGrpcService<AvailabilityGrpcService>();
        app.MapGrpcService<BookingGrpcService>();
        app.MapGrpcService<CourseGrpcService>();
        app.MapGrpcService<CalendarGrpcService>();
        app.MapFeeds();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapGrpcReflectionService().AllowAnonymous();
        return app;
    }
}

/// <summary>The store's reader of booked time alone (without cohort sessions).</summary>
public sealed record BookingBusyTime(IBusyTimeReader Reader);

/// <summary>Prepares a store before the first call.</summary>
public interface IStoreInitializer
{
    Task InitializeAsync(CancellationToken cancellationToken);
}

internal sealed class StoreInitializer(Func<CancellationToken, Task> initialize) : IStoreInitializer
{
    public Task InitializeAsync(CancellationToken cancellationToken) => initialize(cancellationToken);
}

/// <summary>Health of the store: SERVING only while it answers a ping.</summary>
public sealed class StoreHealthCheck(IStoreHealth store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await store.PingAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The store answers.");
        }
#pragma warning disable CA1031 // Any failure to ping means "not serving", reported rather than thrown.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy("The store does not answer.", e);
        }
    }
}
