namespace Coaching.Server.Tests.Courses;

/// <summary>The enrolmentrace races on the embedded SQLite store.</summary>
[Collection(UsesServer.Name)]
public sealed class SqliteEnrolmentRaceTests(ServerFixture server) : EnrolmentRaceTests(server);
