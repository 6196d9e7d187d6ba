using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace Coaching.Server.Tests.Platform;

/// <summary>
/// Oversized values over a real HTTP/2 connection: each refusal comes back promptly with its precise status, a bounded
/// message and bounded details, and a call in flight on the same channel is unaffected.
/// </summary>
public class LargeInputTests(RealServerFixture fixture) : IClassFixture<RealServerFixture>
{
    /// <summary>Whole status message, in characters.</summary>
    private const int MaxMessage = 1024;

    /// <summary>All trailers together, in bytes (the details are the largest part).</summary>
    private const int MaxTrailers = 8 * 1024;

    public enum Input
    {
        ViewerTimeZone40k,
        UpdateOffering10kMaskPaths,
        CreateCoachTimeZone100k,
        UpdateCohortMaskPath1M,
        SearchSpecialty70k,
        ListCoachesSpecialty70k,
        RequestIdReused100k,
        OfferingName100k,
    }

    [Theory]
    [InlineData(Input.ViewerTimeZone40k)]
    [InlineData(Input.UpdateOffering10kMaskPaths)]
    [InlineData(Input.CreateCoachTimeZone100k)]
    [InlineData(Input.UpdateCohortMaskPath1M)]
    [InlineData(Input.SearchSpecialty70k)]
    [InlineData(Input.ListCoachesSpecialty70k)]
    [InlineData(Input.RequestIdReused100k)]
    [InlineData(Input.OfferingName100k)]
    public async Task HugeValue_InvalidArgument_BoundedError_ConcurrentCallUnaffected(Input input)
    {
        using var channel = GrpcChannel.ForAddress(fixture.Server.Address);
        var admin = ServerProcess.Headers(fixture.Server.Token("admin-1", "admin"));
        var coaches = new CoachService.CoachServiceClient(channel);
        var availability = new AvailabilityService.AvailabilityServiceClient(channel);
        var coach = await coaches.CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Large Input", Email = "large@example.org", TimeZone = "UTC", Specialties = { "cv" } },
        }, admin);
        var offering = await coaches.CreateOfferingAsync(new CreateOfferingRequest
        {
            Parent = coach.Name, Offering = new Offering { Title = "CV review", Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)) },
        }, admin);
        var start = Timestamp.FromDateTime(DateTime.UtcNow.Date.AddDays(3));
        var end = Timestamp.FromDateTime(DateTime.UtcNow.Date.AddDays(4));
        var deadline = DateTime.UtcNow.AddSeconds(10);

        Func<Task> bad = input switch
        {
            Input.ViewerTimeZone40k => () => availability.ListAvailableSlotsAsync(new ListAvailableSlotsRequest
            {
                Offering = offering.Name, StartTime = start, EndTime = end, ViewerTimeZone = new string('z', 40_000),
            }, admin, deadline).ResponseAsync,
            Input.UpdateOffering10kMaskPaths => () => coaches.UpdateOfferingAsync(new UpdateOfferingRequest
            {
                Offering = new Offering { Name = offering.Name, Title = "x" },
                UpdateMask = new FieldMask { Paths = { Enumerable.Range(0, 10_000).Select(i => $"no_such_field_{i}") } },
            }, admin, deadline).ResponseAsync,
            Input.CreateCoachTimeZone100k => () => coaches.CreateCoachAsync(new CreateCoachRequest
            {
                Coach = new Coach { DisplayName = "Zone", Email = "zone@example.org", TimeZone = new string('Z', 100_000) },
            }, admin, deadline).ResponseAsync,
            Input.UpdateCohortMaskPath1M => async () => await new CourseService.CourseServiceClient(channel).UpdateCohortAsync(new UpdateCohortRequest
            {
                Cohort = new Cohort { Name = "courses/c1/cohorts/k1" },
                UpdateMask = new FieldMask { Paths = { new string('p', 1_000_000) } },
            }, admin, deadline),
            Input.SearchSpecialty70k => () => availability.SearchAvailabilityAsync(new SearchAvailabilityRequest
            {
                Specialty = new string('s', 70_000), StartTime = start, EndTime = end,
            }, admin, deadline).ResponseAsync,
            Input.ListCoachesSpecialty70k => () => coaches.ListCoachesAsync(new ListCoachesRequest { Specialty = new string('s', 70_000) }, admin, deadline).ResponseAsync,
            Input.RequestIdReused100k => () => coaches.CreateCoachAsync(new CreateCoachRequest
            {
                Coach = new Coach { DisplayName = "Request", Email = "request@example.org", TimeZone = "UTC" }, RequestId = new string('r', 100_000),
            }, admin, deadline).ResponseAsync,
            Input.OfferingName100k => () => coaches.GetOfferingAsync(new GetOfferingRequest { Name = new string('o', 100_000) }, admin, deadline).ResponseAsync,
            _ => throw new ArgumentOutOfRangeException(nameof(input)),
        };

        var refusal = Assert.ThrowsAsync<RpcException>(bad);
        var neighbour = coaches.GetCoachAsync(new GetCoachRequest { Name = coach.Name }, admin, deadline).ResponseAsync;
        var error = await refusal;
        var read = await neighbour;

        Assert.Equal(coach.Name, read.Name);
        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{error.StatusCode}: {error.Status.Detail[..Math.Min(200, error.Status.Detail.Length)]}");
        Assert.InRange(error.Status.Detail.Length, 1, MaxMessage);
        Assert.InRange(error.Trailers.Sum(t => t.Key.Length + (t.IsBinary ? t.ValueBytes.Length : t.Value.Length)), 1, MaxTrailers);
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        Assert.NotNull(status.GetDetail<ErrorInfo>());
        Assert.NotEmpty(status.GetDetail<BadRequest>()?.FieldViolations ?? []);
    }

    [Fact]
    public async Task MessageOverOneMebibyte_ResourceExhausted_RequestTooLarge_ConcurrentCallUnaffected()
    {
        using var channel = GrpcChannel.ForAddress(fixture.Server.Address);
        var admin = ServerProcess.Headers(fixture.Server.Token("admin-1", "admin"));
        var coaches = new CoachService.CoachServiceClient(channel);
        var coach = await coaches.CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Too Large", Email = "large@example.org", TimeZone = "UTC" },
        }, admin);
        var deadline = DateTime.UtcNow.AddSeconds(10);

        var refusal = Assert.ThrowsAsync<RpcException>(() => coaches.CreateCoachAsync(new CreateCoachRequest
        {
            Coach = new Coach { DisplayName = "Huge", Email = "huge@example.org", TimeZone = "UTC", Bio = new string('b', 1_100_000) },
        }, admin, deadline).ResponseAsync);
        var neighbour = coaches.GetCoachAsync(new GetCoachRequest { Name = coach.Name }, admin, deadline).ResponseAsync;
        var error = await refusal;

        Assert.Equal(coach.Name, (await neighbour).Name);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal(("REQUEST_TOO_LARGE", "coaching.v1", "1048576"), (info.Reason, info.Domain, info.Metadata["limit_bytes"]));
    }
}
