namespace Coaching.Server.Tests.Bookings;

/// <summary>The bookingrace races on the embedded SQLite store.</summary>
[Collection(UsesServer.Name)]
public sealed class SqliteBookingRaceTests(ServerFixture server) : BookingRaceTests(server);
