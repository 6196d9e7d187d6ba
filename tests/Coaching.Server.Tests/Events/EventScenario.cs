using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;

namespace Coaching.Server.Tests.Events;

/// <summary>An event made through the API by an admin, with clients for every role around it.</summary>
public sealed class EventScenario(ServerFixture server, ScheduledEvent created, Coach host, Coach otherCoach)
{
    public ScheduledEvent Event { get; private set; } = created;

    public Coach Host { get; } = host;

    public Coach OtherCoach { get; } = otherCoach;

    public EventService.EventServiceClient AsAdmin => new(server.Channel(server.Token("admin-1", "admin")));

    public EventService.EventServiceClient AsHost => new(server.Channel(HostToken));

    public string HostToken => server.Token($"user-of-{Host.Name}", "coach", Host.Name.Split('/')[1]);

    public EventService.EventServiceClient AsOtherCoach => new(server.Channel(server.Token("user-of-other", "coach", OtherCoach.Name.Split('/')[1])));

    public EventService.EventServiceClient AsClient(string subject) => new(server.Channel(server.Token(subject, "client")));

    public EventService.EventServiceClient Anonymous => new(server.Channel(null));

    /// <summary>2027-01-{day} at {hour}:00 UTC.</summary>
    public static Timestamp At(int day, int hour, int minute = 0) => Timestamp.FromDateTime(new DateTime(2027, 1, day, hour, minute, 0, DateTimeKind.Utc));

    public static ScheduledEvent Draft(Coach host, int capacity = 2, string topic = "pmo") => new()
    {
        Title = "Getting started in a PMO role",
        Description = "What a PMO does and how to get in.",
        Topics = { topic, "Careers" },
        Kind = EventKind.Webinar,
        Hosts = { host.Name },
        StartTime = At(12, 12),
        Duration = Duration.FromTimeSpan(TimeSpan.FromMinutes(60)),
        TimeZone = "Europe/London",
        JoinLink = "https://meet.example.org/pmo-start",
        Capacity = capacity,
        State = EventState.Open,
    };

    public static async Task<EventScenario> CreateAsync(ServerFixture server, int capacity = 2, string? topic = null, Action<ScheduledEvent>? configure = null)
    {
        var host = await server.SeedCoachAsync("Host Coach", ServerFixture.UniqueTag());
        var other = await server.SeedCoachAsync("Other Coach", ServerFixture.UniqueTag());
        var draft = Draft(host, capacity, topic ?? $"t{Guid.NewGuid():N}"[..12]);
        configure?.Invoke(draft);
        var created = await new EventService.EventServiceClient(server.Channel(server.Token("admin-1", "admin")))
            .CreateEventAsync(new CreateEventRequest { Event = draft, RequestId = Guid.NewGuid().ToString() });
        return new EventScenario(server, created, host, other);
    }

    public Task<Registration> RegisterAsync(string client) =>
        AsClient(client).CreateRegistrationAsync(new CreateRegistrationRequest { Parent = Event.Name, RequestId = Guid.NewGuid().ToString() }).ResponseAsync;

    public async Task<ScheduledEvent> ReadAsync() => Event = await AsAdmin.GetEventAsync(new GetEventRequest { Name = Event.Name });
}
