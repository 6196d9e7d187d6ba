using Coaching.Domain.Common;
using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Calendar;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Courses;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Coaching.Storage.Mongo;

/// <summary>
/// The production store's database: registers class maps once, names the collections and creates
/// their indexes at start-up (index creation is idempotent, so every server instance may run it).
/// </summary>
public sealed class MongoStore : IStoreHealth, IStoreInitializer
{
    /// <summary>Wraps a database; class maps are registered on first use of any store type.</summary>
    public MongoStore(IMongoDatabase database)
    {
        MongoMappings.Register();
        Database = database;
        Coaches = database.GetCollection<CoachDocument>(CoachDocument.Collection);
        Offerings = database.GetCollection<OfferingDocument>(OfferingDocument.Collection);
        Schedules = database.GetCollection<ScheduleDocument>(ScheduleDocument.Collection);
        Overrides = database.GetCollection<OverrideDocument>(OverrideDocument.Collection);
        Bookings = database.GetCollection<BookingDocument>(BookingDocument.Collection);
        Feeds = database.GetCollection<FeedDocument>(FeedDocument.Collection);
        Settings = database.GetCollection<BsonDocument>("settings");
        Courses = database.GetCollection<CourseDocument>(CourseDocument.Collection);
        Cohorts = database.GetCollection<CohortDocument>(CohortDocument.Collection);
        EnrolmentInvites = database.GetCollection<EnrolmentInviteDocument>(EnrolmentInviteDocument.Collection);
        EnrolmentRequests = database.GetCollection<EnrolmentRequestDocument>(EnrolmentRequestDocument.Collection);
    }

    /// <summary>The database.</summary>
    public IMongoDatabase Database { get; }

    internal IMongoCollection<CoachDocument> Coaches { get; }

    internal IMongoCollection<OfferingDocument> Offerings { get; }

    internal IMongoCollection<ScheduleDocument> Schedules { get; }

    internal IMongoCollection<OverrideDocument> Overrides { get; }

    internal IMongoCollection<BookingDocument> Bookings { get; }

    internal IMongoCollection<FeedDocument> Feeds { get; }

    internal IMongoCollection<BsonDocument> Settings { get; }

    internal IMongoCollection<CourseDocument> Courses { get; }

    internal IMongoCollection<CohortDocument> Cohorts { get; }

    internal IMongoCollection<EnrolmentInviteDocument> EnrolmentInvites { get; }

    /// <summary>Enrolment request ids; read after a duplicate-key error, so reads see the primary's latest state.</summary>
    internal IMongoCollection<EnrolmentRequestDocument> EnrolmentRequests { get; }

    /// <summary>Connects from a URI whose path names the database (default database "coaching").</summary>
    public static MongoStore Connect(string uri)
    {
        var url = MongoUrl.Create(uri);
        var settings = MongoClientSettings.FromUrl(url);
        // Majority writes and reads: a booking acknowledged to a client survives a primary failover.
        settings.WriteConcern = WriteConcern.WMajority;
        settings.ReadConcern = ReadConcern.Majority;
        settings.RetryWrites = true;
        var client = new MongoClient(settings);
        return new MongoStore(client.GetDatabase(string.IsNullOrEmpty(url.DatabaseName) ? "coaching" : url.DatabaseName));
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureIndexesAsync(cancellationToken);

    /// <summary>Creates every index the stores rely on (<see cref="IndexPlan"/>).</summary>
    public Task EnsureIndexesAsync(CancellationToken cancellationToken) => IndexPlan.EnsureAsync(Database, cancellationToken);

    /// <inheritdoc />
    public Task PingAsync(CancellationToken cancellationToken) =>
        Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
}
