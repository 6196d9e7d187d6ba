using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Coaching.Server.Tests.Coaches;

[Collection(UsesServer.Name)]
public class OfferingServiceTests(ServerFixture server) : ServerTest(server)
{
    private static Offering NewOffering() => new()
    {
        Title = "Career coaching",
        Description = "Your next move",
        Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(45)),
        BufferBefore = Duration.FromTimeSpan(TimeSpan.FromMinutes(10)),
        BufferAfter = Duration.FromTimeSpan(TimeSpan.FromMinutes(5)),
        MinimumNotice = Duration.FromTimeSpan(TimeSpan.FromHours(12)),
        DailyCap = 4,
        WeeklyCap = 12,
        RequiresConfirmation = true,
        CancellationCutoff = Duration.FromTimeSpan(TimeSpan.FromHours(24)),
    };

    [Fact]
    public async Task CreateOffering_AsOwnCoach_StoredWithDefaults()
    {
        var coach = await server.SeedCoachAsync();

        var created = await server.CoachCoaches(coach.Name).CreateOfferingAsync(new CreateOfferingRequest { Parent = coach.Name, Offering = NewOffering() });
        var read = await server.ClientCoaches().GetOfferingAsync(new GetOfferingRequest { Name = created.Name });

        Assert.StartsWith($"{coach.Name}/offerings/", created.Name, StringComparison.Ordinal);
        Assert.Equal(created, read);
        Assert.Equal(TimeSpan.FromDays(60), read.BookingHorizon.ToTimeSpan());
        Assert.Equal(TimeSpan.FromMinutes(45), read.Duration.ToTimeSpan());
        Assert.True(read.RequiresConfirmation);
    }

    [Fact]
    public async Task CreateOffering_ForAnotherCoach_PermissionDenied_ClientToo()
    {
        var coach = await server.SeedCoachAsync();
        var other = await server.SeedCoachAsync("Other");
        var request = new CreateOfferingRequest { Parent = coach.Name, Offering = NewOffering() };

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => server.CoachCoaches(other.Name).CreateOfferingAsync(request));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => server.ClientCoaches().CreateOfferingAsync(request));

        var listed = await server.ClientCoaches().ListOfferingsAsync(new ListOfferingsRequest { Parent = coach.Name });
        Assert.Empty(listed.Offerings);
    }

    [Fact]
    public async Task CreateOffering_UnknownCoach_NotFound()
    {
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => server.AdminCoaches().CreateOfferingAsync(
            new CreateOfferingRequest { Parent = "coaches/01nosuchcoach0000000000000", Offering = NewOffering() }));
    }

    [Fact]
    public async Task CreateOffering_InvalidRanges_NameEveryField()
    {
        var coach = await server.SeedCoachAsync();
        var offering = NewOffering();
        offering.Title = "";
        offering.Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(2));
        offering.BufferAfter = new Duration { Seconds = 60, Nanos = -5 };
        offering.MinimumNotice = Duration.FromTimeSpan(TimeSpan.FromMinutes(90.5));
        offering.DailyCap = -3;

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => server.AdminCoaches().CreateOfferingAsync(
            new CreateOfferingRequest { Parent = coach.Name, Offering = offering }));

        Assert.Equal(["offering.buffer_after"], error.ViolatedFields());

        offering.BufferAfter = null;
        error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => server.AdminCoaches().CreateOfferingAsync(
            new CreateOfferingRequest { Parent = coach.Name, Offering = offering }));
        Assert.Equal(["offering.title", "offering.duration", "offering.minimum_notice", "offering.daily_cap"], error.ViolatedFields());
    }

    [Fact]
    public async Task ListOfferings_PagesWithTokens()
    {
        var coach = await server.SeedCoachAsync();
        var client = server.CoachCoaches(coach.Name);
        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var o = NewOffering();
            o.Title = $"Offering {i}";
            names.Add((await client.CreateOfferingAsync(new CreateOfferingRequest { Parent = coach.Name, Offering = o })).Name);
        }

        var first = await client.ListOfferingsAsync(new ListOfferingsRequest { Parent = coach.Name, PageSize = 2 });
        var second = await client.ListOfferingsAsync(new ListOfferingsRequest { Parent = coach.Name, PageSize = 2, PageToken = first.NextPageToken });

        Assert.Equal(names.Order(StringComparer.Ordinal), first.Offerings.Concat(second.Offerings).Select(o => o.Name));
        Assert.Equal(string.Empty, second.NextPageToken);
    }

    [Fact]
    public async Task UpdateOffering_Masked_StaleEtagAborted_BadPathInvalid()
    {
        var coach = await server.SeedCoachAsync();
        var client = server.CoachCoaches(coach.Name);
        var offering = await client.CreateOfferingAsync(new CreateOfferingRequest { Parent = coach.Name, Offering = NewOffering() });

        var updated = await client.UpdateOfferingAsync(new UpdateOfferingRequest
        {
            Offering = new Offering { Name = offering.Name, DailyCap = 6, Title = "ignored", Etag = offering.Etag },
            UpdateMask = new FieldMask { Paths = { "daily_cap" } },
        });
        await RpcAssert.FailsAsync(StatusCode.Aborted, () => client.UpdateOfferingAsync(new UpdateOfferingRequest
        {
            Offering = new Offering { Name = offering.Name, DailyCap = 7, Etag = offering.Etag },
            UpdateMask = new FieldMask { Paths = { "daily_cap" } },
        }));
        var bad = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => client.UpdateOfferingAsync(new UpdateOfferingRequest
        {
            Offering = new Offering { Name = offering.Name },
            UpdateMask = new FieldMask { Paths = { "create_time" } },
        }));

        Assert.Equal(6, updated.DailyCap);
        Assert.Equal(offering.Title, updated.Title);
        Assert.Equal(["update_mask"], bad.ViolatedFields());
        Assert.Equal(6, (await client.GetOfferingAsync(new GetOfferingRequest { Name = offering.Name })).DailyCap);
    }

    [Fact]
    public async Task DeleteOffering_ThenNotFound_OtherCoachDenied()
    {
        var coach = await server.SeedCoachAsync();
        var other = await server.SeedCoachAsync("Other");
        var offering = await server.CoachCoaches(coach.Name).CreateOfferingAsync(new CreateOfferingRequest { Parent = coach.Name, Offering = NewOffering() });

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied,
            () => server.CoachCoaches(other.Name).DeleteOfferingAsync(new DeleteOfferingRequest { Name = offering.Name }));
        await server.CoachCoaches(coach.Name).DeleteOfferingAsync(new DeleteOfferingRequest { Name = offering.Name, Etag = offering.Etag });

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => server.ClientCoaches().GetOfferingAsync(new GetOfferingRequest { Name = offering.Name }));
    }

    [Theory]
    [InlineData("coaches/x")]
    [InlineData("coaches/x/offering/y")]
    [InlineData("")]
    public async Task GetOffering_MalformedName_InvalidArgument(string name)
    {
        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument,
            () => server.ClientCoaches().GetOfferingAsync(new GetOfferingRequest { Name = name }));

        Assert.Equal(["name"], error.ViolatedFields());
    }
}
