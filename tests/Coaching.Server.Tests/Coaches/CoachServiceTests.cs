using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Coaching.Server.Tests.Coaches;

[Collection(UsesServer.Name)]
public class CoachServiceTests(ServerFixture server) : ServerTest(server)
{
    private static Coach NewCoach(string tag) => new()
    {
        DisplayName = "Grace Hopper",
        Email = "grace@example.org",
        TimeZone = "America/New_York",
        Bio = "Programme office careers",
        Specialties = { tag, "  Stakeholder   SKILLS " },
    };

    [Fact]
    public async Task CreateCoach_AsAdmin_StoresNormalisedCoach()
    {
        var tag = ServerFixture.UniqueTag();

        var created = await server.AdminCoaches().CreateCoachAsync(new CreateCoachRequest { Coach = NewCoach(tag) });
        var read = await server.ClientCoaches().GetCoachAsync(new GetCoachRequest { Name = created.Name });

        Assert.StartsWith("coaches/", created.Name, StringComparison.Ordinal);
        Assert.Equal(created, read);
        Assert.Equal([tag, "stakeholder skills"], read.Specialties);
        Assert.True(read.Active);
        Assert.Equal("\"1\"", read.Etag);
        Assert.Equal(server.Clock.GetCurrentInstant().ToUnixTimeSeconds(), read.CreateTime.Seconds);
    }

    [Theory]
    [InlineData("coach")]
    [InlineData("client")]
    public async Task CreateCoach_NotAdmin_PermissionDeniedAndNothingStored(string role)
    {
        var tag = ServerFixture.UniqueTag();
        var client = server.Coaches(server.Token("someone", role, role == "coach" ? "c1" : null));

        var error = await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => client.CreateCoachAsync(new CreateCoachRequest { Coach = NewCoach(tag) }));

        Assert.Equal("ADMIN_REQUIRED", error.ErrorInfo().Reason);
        var listed = await server.AdminCoaches().ListCoachesAsync(new ListCoachesRequest { Specialty = tag, IncludeInactive = true });
        Assert.Empty(listed.Coaches);
    }

    [Fact]
    public async Task CreateCoach_InvalidFields_InvalidArgumentNamingEachField()
    {
        var tag = ServerFixture.UniqueTag();
        var coach = NewCoach(tag);
        coach.DisplayName = "";
        coach.Email = "nope";
        coach.TimeZone = "Europe/Lundon";

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => server.AdminCoaches().CreateCoachAsync(new CreateCoachRequest { Coach = coach }));

        Assert.Equal(["coach.display_name", "coach.email", "coach.time_zone"], error.ViolatedFields());
        Assert.Equal("INVALID_ARGUMENT", error.ErrorInfo().Reason);
        var listed = await server.AdminCoaches().ListCoachesAsync(new ListCoachesRequest { Specialty = tag, IncludeInactive = true });
        Assert.Empty(listed.Coaches);
    }

    [Fact]
    public async Task CreateCoach_MissingCoach_InvalidArgument()
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => server.AdminCoaches().CreateCoachAsync(new CreateCoachRequest()));

        Assert.Equal(["coach"], error.ViolatedFields());
    }

    [Fact]
    public async Task CreateCoach_RetryWithSameRequestId_ReturnsOriginal_OtherContentIsAlreadyExists()
    {
        var tag = ServerFixture.UniqueTag();
        var requestId = Guid.NewGuid().ToString();
        var admin = server.AdminCoaches();

        var first = await admin.CreateCoachAsync(new CreateCoachRequest { Coach = NewCoach(tag), RequestId = requestId });
        var retry = await admin.CreateCoachAsync(new CreateCoachRequest { Coach = NewCoach(tag), RequestId = requestId });
        var changed = NewCoach(tag);
        changed.DisplayName = "Someone else";
        var error = await RpcAssert.FailsAsync(StatusCode.AlreadyExists,
            () => admin.CreateCoachAsync(new CreateCoachRequest { Coach = changed, RequestId = requestId }));

        Assert.Equal(first, retry);
        Assert.Equal("REQUEST_ID_REUSED", error.ErrorInfo().Reason);
        var listed = await admin.ListCoachesAsync(new ListCoachesRequest { Specialty = tag });
        Assert.Single(listed.Coaches);
    }

    [Theory]
    [InlineData("coaches/01nosuchcoach0000000000000", StatusCode.NotFound)]
    [InlineData("coach/abc", StatusCode.InvalidArgument)]
    [InlineData("coaches/", StatusCode.InvalidArgument)]
    [InlineData("", StatusCode.InvalidArgument)]
    [InlineData("coaches/a/offerings/b", StatusCode.InvalidArgument)]
    public async Task GetCoach_BadOrUnknownName_PreciseStatus(string name, StatusCode code)
    {
        var error = await RpcAssert.FailsAsync(code, () => server.ClientCoaches().GetCoachAsync(new GetCoachRequest { Name = name }));

        Assert.Equal(code == StatusCode.NotFound ? "RESOURCE_NOT_FOUND" : "INVALID_ARGUMENT", error.ErrorInfo().Reason);
    }

    [Fact]
    public async Task ListCoaches_PagesThroughEveryMatchInStableOrder()
    {
        var tag = ServerFixture.UniqueTag();
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            names.Add((await server.SeedCoachAsync($"Coach {i}", tag)).Name);
        }

        var client = server.ClientCoaches();
        var seen = new List<string>();
        var sizes = new List<int>();
        var token = string.Empty;
        do
        {
            var page = await client.ListCoachesAsync(new ListCoachesRequest { Specialty = tag.ToUpperInvariant(), PageSize = 2, PageToken = token });
            seen.AddRange(page.Coaches.Select(c => c.Name));
            sizes.Add(page.Coaches.Count);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
        Assert.Equal([2, 2, 1], sizes);
    }

    [Fact]
    public async Task ListCoaches_ExactPageSize_LastPageHasNoToken()
    {
        var tag = ServerFixture.UniqueTag();
        await server.SeedCoachAsync("A", tag);
        await server.SeedCoachAsync("B", tag);

        var page = await server.ClientCoaches().ListCoachesAsync(new ListCoachesRequest { Specialty = tag, PageSize = 2 });

        Assert.Equal(2, page.Coaches.Count);
        Assert.Equal(string.Empty, page.NextPageToken);
    }

    [Theory]
    [InlineData(-1, "page_size")]
    [InlineData(201, "page_size")]
    public async Task ListCoaches_PageSizeOutOfRange_InvalidArgument(int size, string field)
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => server.ClientCoaches().ListCoachesAsync(new ListCoachesRequest { PageSize = size }));

        Assert.Equal([field], error.ViolatedFields());
    }

    [Fact]
    public async Task ListCoaches_TokenReusedWithOtherFilter_InvalidArgument()
    {
        var tag = ServerFixture.UniqueTag();
        await server.SeedCoachAsync("A", tag);
        await server.SeedCoachAsync("B", tag);
        var client = server.ClientCoaches();
        var page = await client.ListCoachesAsync(new ListCoachesRequest { Specialty = tag, PageSize = 1 });

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => client.ListCoachesAsync(new ListCoachesRequest { Specialty = "other", PageSize = 1, PageToken = page.NextPageToken }));

        Assert.Equal(["page_token"], error.ViolatedFields());
    }

    [Fact]
    public async Task ListCoaches_InactiveHiddenUnlessAsked()
    {
        var tag = ServerFixture.UniqueTag();
        var coach = await server.SeedCoachAsync("Off", tag);
        await server.AdminCoaches().UpdateCoachAsync(new UpdateCoachRequest
        {
            Coach = new Coach { Name = coach.Name, Active = false },
            UpdateMask = new FieldMask { Paths = { "active" } },
        });

        var active = await server.ClientCoaches().ListCoachesAsync(new ListCoachesRequest { Specialty = tag });
        var all = await server.ClientCoaches().ListCoachesAsync(new ListCoachesRequest { Specialty = tag, IncludeInactive = true });

        Assert.Empty(active.Coaches);
        Assert.False(Assert.Single(all.Coaches).Active);
    }

    [Fact]
    public async Task UpdateCoach_OwnProfileAsCoach_AppliesOnlyMaskedFields()
    {
        var coach = await server.SeedCoachAsync();
        server.Clock.AdvanceMinutes(5);

        var updated = await server.CoachCoaches(coach.Name).UpdateCoachAsync(new UpdateCoachRequest
        {
            Coach = new Coach { Name = coach.Name, Bio = "New bio", DisplayName = "ignored", Etag = coach.Etag },
            UpdateMask = new FieldMask { Paths = { "bio" } },
        });

        Assert.Equal("New bio", updated.Bio);
        Assert.Equal(coach.DisplayName, updated.DisplayName);
        Assert.Equal("\"2\"", updated.Etag);
        Assert.True(updated.UpdateTime.ToDateTime() > coach.UpdateTime.ToDateTime());
    }

    [Fact]
    public async Task UpdateCoach_StaleEtag_AbortedAndUnchanged()
    {
        var coach = await server.SeedCoachAsync();
        var client = server.CoachCoaches(coach.Name);
        await client.UpdateCoachAsync(new UpdateCoachRequest
        {
            Coach = new Coach { Name = coach.Name, Bio = "first", Etag = coach.Etag },
            UpdateMask = new FieldMask { Paths = { "bio" } },
        });

        var error = await RpcAssert.FailsAsync(StatusCode.Aborted, () => client.UpdateCoachAsync(new UpdateCoachRequest
        {
            Coach = new Coach { Name = coach.Name, Bio = "second", Etag = coach.Etag },
            UpdateMask = new FieldMask { Paths = { "bio" } },
        }));

        Assert.Equal("ETAG_MISMATCH", error.ErrorInfo().Reason);
        Assert.Equal("first", (await client.GetCoachAsync(new GetCoachRequest { Name = coach.Name })).Bio);
    }

    [Fact]
    public async Task UpdateCoach_OtherCoachOrClient_PermissionDenied()
    {
        var coach = await server.SeedCoachAsync();
        var other = await server.SeedCoachAsync("Other");
        var request = new UpdateCoachRequest
        {
            Coach = new Coach { Name = coach.Name, Bio = "hijack" },
            UpdateMask = new FieldMask { Paths = { "bio" } },
        };

        var asOther = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => server.CoachCoaches(other.Name).UpdateCoachAsync(request));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => server.ClientCoaches().UpdateCoachAsync(request));

        Assert.Equal("NOT_RESOURCE_OWNER", asOther.ErrorInfo().Reason);
        Assert.Equal(coach.Bio, (await server.ClientCoaches().GetCoachAsync(new GetCoachRequest { Name = coach.Name })).Bio);
    }

    [Fact]
    public async Task UpdateCoach_CoachChangingActive_PermissionDenied()
    {
        var coach = await server.SeedCoachAsync();

        var error = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => server.CoachCoaches(coach.Name).UpdateCoachAsync(
            new UpdateCoachRequest { Coach = new Coach { Name = coach.Name, Active = false }, UpdateMask = new FieldMask { Paths = { "active" } } }));

        Assert.Equal("ADMIN_REQUIRED", error.ErrorInfo().Reason);
    }

    [Theory]
    [InlineData(new string[0], "update_mask")]
    [InlineData(new[] { "etag" }, "update_mask")]
    [InlineData(new[] { "name" }, "update_mask")]
    [InlineData(new[] { "nonsense" }, "update_mask")]
    [InlineData(new[] { "time_zone" }, "coach.time_zone")]
    [InlineData(new[] { "email" }, "coach.email")]
    public async Task UpdateCoach_BadMaskOrValue_InvalidArgumentAndUnchanged(string[] paths, string field)
    {
        var coach = await server.SeedCoachAsync();
        var client = server.CoachCoaches(coach.Name);

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.UpdateCoachAsync(new UpdateCoachRequest
        {
            Coach = new Coach { Name = coach.Name, TimeZone = "Not/AZone", Email = "bad" },
            UpdateMask = new FieldMask { Paths = { paths } },
        }));

        Assert.Equal([field], error.ViolatedFields());
        Assert.Equal(coach, await client.GetCoachAsync(new GetCoachRequest { Name = coach.Name }));
    }

    [Fact]
    public async Task UpdateCoach_UnknownCoach_NotFound()
    {
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => server.AdminCoaches().UpdateCoachAsync(new UpdateCoachRequest
        {
            Coach = new Coach { Name = "coaches/01nosuchcoach0000000000000", Bio = "x" },
            UpdateMask = new FieldMask { Paths = { "bio" } },
        }));
    }

    [Fact]
    public async Task DeleteCoach_AsAdmin_ThenGetIsNotFound()
    {
        var coach = await server.SeedCoachAsync();

        await server.AdminCoaches().DeleteCoachAsync(new DeleteCoachRequest { Name = coach.Name, Etag = coach.Etag });

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => server.ClientCoaches().GetCoachAsync(new GetCoachRequest { Name = coach.Name }));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => server.AdminCoaches().DeleteCoachAsync(new DeleteCoachRequest { Name = coach.Name }));
    }

    [Fact]
    public async Task DeleteCoach_AsTheCoach_PermissionDenied_StaleEtag_Aborted()
    {
        var coach = await server.SeedCoachAsync();

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => server.CoachCoaches(coach.Name).DeleteCoachAsync(new DeleteCoachRequest { Name = coach.Name }));
        await RpcAssert.FailsAsync(StatusCode.Aborted,
            () => server.AdminCoaches().DeleteCoachAsync(new DeleteCoachRequest { Name = coach.Name, Etag = "\"99\"" }));

        Assert.Equal(coach, await server.ClientCoaches().GetCoachAsync(new GetCoachRequest { Name = coach.Name }));
    }
}
