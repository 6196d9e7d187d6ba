namespace Coaching.Server.Tests.Bookings;

/// <summary>The bookingrace races on MongoDB (skipped without a live server).</summary>
[Collection(UsesMongoServer.Name)]
public sealed class MongoBookingRaceTests(MongoServerFixture server) : BookingRaceTests(server);
