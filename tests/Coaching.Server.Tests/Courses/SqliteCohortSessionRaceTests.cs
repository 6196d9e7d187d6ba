namespace Coaching.Server.Tests.Courses;

/// <summary>The cohort-session race on the embedded SQLite store.</summary>
[Collection(UsesServer.Name)]
public sealed class SqliteCohortSessionRaceTests(ServerFixture server, Xunit.Abstractions.ITestOutputHelper output)
    : CohortSessionRaceTests(server, output);
