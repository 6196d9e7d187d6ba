using Coaching.Contracts.V1;
using Coaching.Server.Tests.Bookings;
using Coaching.Server.Tests.Courses;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Coaching.Server.Tests.Platform;

/// <summary>Every FAILED_PRECONDITION names, in its ErrorInfo, the resource it is about.</summary>
[Collection(UsesServer.Name)]
public class ErrorResourceTests(ServerFixture server) : ServerTest(server)
{
    [Fact]
    public void FailedPreconditions_AreBuiltOnlyThroughTheHelperThatRequiresAResource()
    {
        var src = Path.Combine(RepoRoot(), "src");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !f.EndsWith($"Common{Path.DirectorySeparatorChar}Fail.cs", StringComparison.Ordinal))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"new(\s+DomainException)?\(\s*ErrorKind\.FailedPrecondition"))
            .Select(f => Path.GetRelativePath(src, f))
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public async Task StartInThePast_NamesTheCoach()
    {
        var s = await BookingScenario.CreateAsync(server);
        var past = Timestamp.FromDateTime(server.Clock.GetCurrentInstant().ToDateTimeUtc().AddHours(-2));

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("past-client").CreateBookingAsync(s.Request(past)));

        Assert.Equal(("NOTICE_TOO_SHORT", s.Coach.Name), (error.ErrorInfo().Reason, error.ErrorInfo().Metadata["resource"]));
    }

    [Fact]
    public async Task CohortRefusals_NameTheCohortOrEnrolment()
    {
        var closed = await CohortScenario.CreateAsync(server, capacity: 2, state: CohortState.Closed);
        var open = await CohortScenario.CreateAsync(server, capacity: 2);
        var a = await open.EnrolAsync("res-a");
        await open.EnrolAsync("res-b");
        await open.AsClient("res-a").WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = a.Name });

        var notOpen = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => closed.EnrolAsync("res-c"));
        var again = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition,
            () => open.AsClient("res-a").WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = a.Name }));
        await open.EnrolAsync("res-d");
        var below = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => open.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
        {
            Cohort = new Cohort { Name = open.Cohort.Name, Capacity = 1 }, UpdateMask = new FieldMask { Paths = { "capacity" } },
        }));

        Assert.Equal(("COHORT_NOT_OPEN", closed.Cohort.Name), (notOpen.ErrorInfo().Reason, notOpen.ErrorInfo().Metadata["resource"]));
        Assert.Equal(("ALREADY_WITHDRAWN", a.Name), (again.ErrorInfo().Reason, again.ErrorInfo().Metadata["resource"]));
        Assert.Equal(("CAPACITY_BELOW_ENROLMENT", open.Cohort.Name), (below.ErrorInfo().Reason, below.ErrorInfo().Metadata["resource"]));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coaching.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Coaching.sln not found above the test binaries.");
    }
}
