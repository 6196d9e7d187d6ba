using Coaching.Domain.Common;
using Coaching.Storage.Mongo.Availability;
using Coaching.Storage.Mongo.Bookings;
using Coaching.Storage.Mongo.Calendar;
using Coaching.Storage.Mongo.Coaches;
using Coaching.Storage.Mongo.Courses;
using Coaching.Storage.Mongo.Outbox;
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
        EnrolmentRecords = database.GetCollection<EnrolmentRecordDocument>(EnrolmentRecordDocument.Collection);
        BookingRecords = database.GetCollection<BookingRecordDocument>(BookingRecordDocument.Collection);
        OutboxLog = database.GetCollection<LogDocument>(LogDocument.Collection);
        OutboxState = database.GetCollection<OutboxStateDocument>(OutboxStateDocument.Collection);
        Deliveries = database.GetCollection<DeliveryDocument>(DeliveryDocument.Collection);
        Webhooks = database.GetCollection<WebhookDocument>(WebhookDocument.Collection);
        Events = database.GetCollection<Mongo.Events.EventDocument>(Mongo.Events.EventDocument.Collection);
        Questions = database.GetCollection<Mongo.Events.QuestionDocument>(Mongo.Events.QuestionDocument.Collection);
        CalendarConnections = database.GetCollection<Calendars.CalendarConnectionDocument>(Calendars.CalendarConnectionDocument.Collection);
        ExternalBusy = database.GetCollection<Calendars.BusyBucketDocument>(Calendars.BusyBucketDocument.Collection);
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

    /// <summary>Withdrawn enrolments moved out of their cohort documents.</summary>
    internal IMongoCollection<EnrolmentRecordDocument> EnrolmentRecords { get; }

    /// <summary>Old history events and invites moved out of booking documents.</summary>
    internal IMongoCollection<BookingRecordDocument> BookingRecords { get; }

    /// <summary>The ordered event log the outbox relay fills.</summary>
    internal IMongoCollection<LogDocument> OutboxLog { get; }

    /// <summary>The log's last position and the relay's lease.</summary>
    internal IMongoCollection<OutboxStateDocument> OutboxState { get; }

    /// <summary>Deliveries of the outbox.</summary>
    internal IMongoCollection<DeliveryDocument> Deliveries { get; }

    /// <summary>Webhook endpoints.</summary>
    internal IMongoCollection<WebhookDocument> Webhooks { get; }

    /// <summary>Event profiles.</summary>
    internal IMongoCollection<Events.EventDocument> Events { get; }

    /// <summary>Questions for events' hosts.</summary>
    internal IMongoCollection<Events.QuestionDocument> Questions { get; }

    /// <summary>Coaches' external calendars.</summary>
    internal IMongoCollection<Calendars.CalendarConnectionDocument> CalendarConnections { get; }

    /// <summary>Busy time kept from external calendars, by month.</summary>
    internal IMongoCollection<Calendars.BusyBucketDocument> ExternalBusy { get; }

    /// <summary>
    /// Writes <paramref name="documents"/> whole, each replacing or creating the document with its id, in one bulk write: how the
    /// follow-ups keep records, so writing the same records again changes nothing.
    /// </summary>
    internal static Task UpsertAsync<T>(IMongoCollection<T> collection, IEnumerable<T> documents, Func<T, string> id, CancellationToken ct) =>
        collection.BulkWriteAsync(documents.Select(d => new ReplaceOneModel<T>(Builders<T>.Filter.Eq("_id", id(d)), d) { IsUpsert = true }),
            cancellationToken: ct);

    /// <summary>Connects from a URI whose path names the database (default database "coaching").</summary>
    public static MongoStore Connect(string uri, string? databaseName = null)
    {
        var url = MongoUrl.Create(uri);
        var client = new MongoClient(ClientSettings(url));
        return new MongoStore(client.GetDatabase(databaseName ?? (string.IsNullOrEmpty(url.DatabaseName) ? "coaching" : url.DatabaseName)));
    }

    /// <summary>
    /// The client settings every store uses. Writes wait for a majority of the replica set, journaled, so a change acknowledged
    /// to a caller survives a primary step-down, and are retried once by the driver on a network error or election (each create
    /// carries a request id, so a retried insert is answered with the original). Reads go to the primary with read concern
    /// <c>local</c>: a read that decides a write, or follows a duplicate-key error, must see what the unique indexes already
    /// hold, and a <c>majority</c> read on the primary can lag behind that. (Causally consistent sessions would also do, but
    /// would have to be threaded through every call; every read here is a primary read anyway.)
    /// </summary>
    public static MongoClientSettings ClientSettings(MongoUrl url)
    {
        var settings = MongoClientSettings.FromUrl(url);
        settings.WriteConcern = new WriteConcern(WriteConcern.WValue.Parse("majority"), journal: true);
        settings.ReadConcern = ReadConcern.Local;
        settings.ReadPreference = ReadPreference.Primary;
        settings.RetryWrites = true;
        settings.RetryReads = true;
        return settings;
    }

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureIndexesAsync(cancellationToken);

    /// <summary>Creates every index the stores rely on (<see cref="IndexPlan"/>).</summary>
    public Task EnsureIndexesAsync(CancellationToken cancellationToken) => IndexPlan.EnsureAsync(Database, cancellationToken);

    /// <inheritdoc />
    public Task PingAsync(CancellationToken cancellationToken) =>
        Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
}
