using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Feeds;
using Coaching.Storage.Sqlite.Availability;
using Coaching.Storage.Sqlite.Bookings;
using Coaching.Storage.Sqlite.Coaches;
using Coaching.Storage.Sqlite.Courses;
using Coaching.Storage.Sqlite.Outbox;
using Coaching.Domain.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace Coaching.Storage.Sqlite;

/// <summary>Registration of the embedded store.</summary>
public static class SqliteStoreRegistration
{
    /// <summary>
    /// Registers every store interface over one SQLite file. Nothing is opened here: the file is created and migrated by
    /// <see cref="IStoreInitializer"/> when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="database">The database file and its settings, made when the database is first needed.</param>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, Func<IServiceProvider, SqliteDatabase> database)
    {
        services.AddSingleton(database);
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<IStoreInitializer>(sp => sp.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<ICoachStore, SqliteCoachStore>();
        services.AddSingleton<IAvailabilityStore, SqliteAvailabilityStore>();
        services.AddSingleton<IBookedTimeReader, SqliteBookedTimeReader>();
        services.AddSingleton<IBookingStore, SqliteBookingStore>();
        services.AddSingleton<ICourseStore, SqliteCourseStore>();
        services.AddSingleton<IEnrolmentInviteStore, SqliteEnrolmentInviteStore>();
        services.AddSingleton<IFeedStore, SqliteFeedStore>();
        services.AddSingleton<IOutboxStore, SqliteOutboxStore>();
        services.AddSingleton<Coaching.Domain.Events.IEventStore, Events.SqliteEventStore>();
        services.AddSingleton<Coaching.Domain.Events.IQuestionStore, Events.SqliteQuestionStore>();
        services.AddSingleton<Coaching.Domain.ExternalCalendars.ICalendarConnectionStore, Calendars.SqliteCalendarConnectionStore>();
        return services;
    }
}
