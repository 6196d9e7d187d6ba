namespace Coaching.Server.Tests.Courses;

/// <summary>The enrolmentrace races on MongoDB (skipped without a live server).</summary>
[Collection(UsesMongoServer.Name)]
public sealed class MongoEnrolmentRaceTests(MongoServerFixture server) : EnrolmentRaceTests(server);
