using Coaching.Domain.Availability;
using Coaching.Domain.Bookings;
using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Feeds;
using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Calendar;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Courses;
using Coaching.Storage.Mongo.Outbox;
using Coaching.Domain.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace Coaching.Storage.Mongo;

/// <summary>Registration of the production store.</summary>
public static class MongoStoreRegistration
{
    /// <summary>
    /// Registers every store interface over one MongoDB database. Nothing connects here: the client is made when the store is
    /// first needed, and indexes are created by <see cref="IStoreInitializer"/> when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">The MongoDB URI (its path names the database), read when the store is first needed.</param>
    public static IServiceCollection AddMongoStore(this IServiceCollection services, Func<IServiceProvider, string> connectionString)
    {
        services.AddSingleton(sp => MongoStore.Connect(connectionString(sp)));
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<MongoStore>());
        services.AddSingleton<IStoreInitializer>(sp => sp.GetRequiredService<MongoStore>());
        services.AddSingleton<ICoachStore, MongoCoachStore>();
        services.AddSingleton<IAvailabilityStore, MongoAvailabilityStore>();
        services.AddSingleton<IBookedTimeReader, MongoBookedTimeReader>();
        services.AddSingleton<IBookingStore, MongoBookingStore>();
        services.AddSingleton<ICourseStore, MongoCourseStore>();
        services.AddSingleton<IEnrolmentInviteStore, MongoEnrolmentInviteStore>();
        services.AddSingleton<IFeedStore, MongoFeedStore>();
        services.AddSingleton<IOutboxStore, MongoOutboxStore>();
        services.AddSingleton<Coaching.Domain.Events.IEventStore, Events.MongoEventStore>();
        services.AddSingleton<Coaching.Domain.Events.IQuestionStore, Events.MongoQuestionStore>();
        services.AddSingleton<Coaching.Domain.ExternalCalendars.ICalendarConnectionStore, Calendars.MongoCalendarConnectionStore>();
        return services;
    }
}
