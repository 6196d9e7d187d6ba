namespace Coaching.Server.Tests.Courses;

/// <summary>The cohort-session race on MongoDB (skipped without a live server).</summary>
[Collection(UsesMongoServer.Name)]
public sealed class MongoCohortSessionRaceTests(MongoServerFixture server, Xunit.Abstractions.ITestOutputHelper output)
    : CohortSessionRaceTests(server, output);
