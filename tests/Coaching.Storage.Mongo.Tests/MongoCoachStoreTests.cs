using Coaching.Domain.Coaches;
using Coaching.Domain.Courses;
using Coaching.Storage.Contract;
using Coaching.Storage.Mongo.Coaches;

namespace Coaching.Storage.Mongo.Tests;

/// <summary>The store contract against a live MongoDB, when <c>COACHING_MONGODB_URI</c> names one.</summary>
public sealed class MongoCoachStoreTests : CoachStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override async Task<ICoachStore> CreateStoreAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return new MongoCoachStore(_mongo);
    }

    protected override Task DisposeStoreAsync() => MongoTestServer.DropAsync(_mongo!);
}

/// <summary>The availability store contract against a live MongoDB, when <c>COACHING_MONGODB_URI</c> names one.</summary>
public sealed class MongoAvailabilityStoreTests : Coaching.Storage.Contract.AvailabilityStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override async Task<(ICoachStore Coaches, Coaching.Domain.Availability.IAvailabilityStore Availability, Coaching.Domain.Outbox.IOutboxStore Outbox)> CreateStoresAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return (new MongoCoachStore(_mongo), new Availability.MongoAvailabilityStore(_mongo), new Outbox.MongoOutboxStore(_mongo));
    }

    protected override Task DisposeStoresAsync() => MongoTestServer.DropAsync(_mongo!);
}

/// <summary>The booking store contract against a live MongoDB, when <c>COACHING_MONGODB_URI</c> names one.</summary>
public sealed class MongoBookingStoreTests : Coaching.Storage.Contract.BookingStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override async Task<Stores> CreateStoresAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return new Stores(new MongoCoachStore(_mongo), new Bookings.MongoBookingStore(_mongo), new Bookings.MongoBookedTimeReader(_mongo),
            new Calendar.MongoFeedStore(_mongo), new Outbox.MongoOutboxStore(_mongo));
    }

    protected override Task DisposeStoresAsync() => MongoTestServer.DropAsync(_mongo!);
}

/// <summary>The course store contract against a live MongoDB, when <c>COACHING_MONGODB_URI</c> names one.</summary>
public sealed class MongoCourseStoreTests : Coaching.Storage.Contract.CourseStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override IEnrolmentInviteStore Invites => new Courses.MongoEnrolmentInviteStore(_mongo!);

    protected override Coaching.Domain.Outbox.IOutboxStore Outbox => new Outbox.MongoOutboxStore(_mongo!);

    protected override (Coaching.Domain.Coaches.ICoachStore Coaches, Coaching.Domain.Bookings.IBookingStore Bookings) Commitments =>
        (new MongoCoachStore(_mongo!), new Bookings.MongoBookingStore(_mongo!));

    protected override async Task<Coaching.Domain.Courses.ICourseStore> CreateStoreAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return new Courses.MongoCourseStore(_mongo);
    }

    protected override Task DisposeStoreAsync() => MongoTestServer.DropAsync(_mongo!);
}

/// <summary>The event and question store contract against a live MongoDB, when one is available.</summary>
public sealed class MongoEventStoreTests : Coaching.Storage.Contract.EventStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override async Task<(Coaching.Domain.Events.IEventStore Events, Coaching.Domain.Events.IQuestionStore Questions, Coaching.Domain.Outbox.IOutboxStore Outbox)> CreateStoresAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return (new Events.MongoEventStore(_mongo), new Events.MongoQuestionStore(_mongo), new Outbox.MongoOutboxStore(_mongo));
    }

    protected override Task DisposeStoresAsync() => MongoTestServer.DropAsync(_mongo!);
}

/// <summary>The calendar connection store contract against a live MongoDB, when one is available.</summary>
public sealed class MongoCalendarConnectionStoreTests : Coaching.Storage.Contract.CalendarConnectionStoreContract
{
    private MongoStore? _mongo;

    protected override string? SkipReason => MongoTestServer.SkipReason;

    protected override async Task<Coaching.Domain.ExternalCalendars.ICalendarConnectionStore> CreateStoreAsync()
    {
        _mongo = await MongoTestServer.CreateDatabaseAsync();
        return new Calendars.MongoCalendarConnectionStore(_mongo);
    }

    protected override Task DisposeStoreAsync() => MongoTestServer.DropAsync(_mongo!);
}
