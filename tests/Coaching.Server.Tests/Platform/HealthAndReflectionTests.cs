using Coaching.Domain.Common;
using Coaching.Server.Hosting;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coaching.Server.Tests.Platform;

[Collection(UsesServer.Name)]
public class HealthAndReflectionTests(ServerFixture server) : ServerTest(server)
{
    [Fact]
    public async Task Health_Anonymous_ServingWhenStoreAnswers()
    {
        var health = new Health.HealthClient(server.Channel(null));

        var reply = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task StoreHealthCheck_StoreDown_Unhealthy()
    {
        var check = new StoreHealthCheck(new DeadStore());

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task Reflection_Anonymous_ListsEveryCoachingService()
    {
        var reflection = new ServerReflection.ServerReflectionClient(server.Channel(null));
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("coaching.v1.CoachService", services);
        Assert.Contains("coaching.v1.AvailabilityService", services);
        Assert.Contains("coaching.v1.BookingService", services);
        Assert.Contains("coaching.v1.CourseService", services);
        Assert.Contains("coaching.v1.CalendarService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    private sealed class DeadStore : IStoreHealth
    {
        public Task PingAsync(CancellationToken cancellationToken) => throw new IOException("disk gone");
    }
}
