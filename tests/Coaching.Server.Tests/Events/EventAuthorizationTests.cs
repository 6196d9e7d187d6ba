using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Coaching.Server.Tests.Events;

/// <summary>
/// Every EventService call under every kind of identity: nobody (no token), a client who is not registered, another registrant
/// (registered, but not the owner of the registration or question at hand), a coach who does not host the event, a host, an
/// admin. Each call that changes something gets fresh things to change, so every cell is decided on its own.
/// </summary>
[Collection(UsesServer.Name)]
public class EventAuthorizationTests(ServerFixture server) : ServerTest(server)
{
    private static readonly string[] Identities = ["anonymous", "stranger", "registrant", "other-coach", "host", "admin"];

    private const StatusCode Ok = StatusCode.OK;
    private const StatusCode Unauth = StatusCode.Unauthenticated;
    private const StatusCode Denied = StatusCode.PermissionDenied;

    /// <summary>The table: for each call, the outcome per identity (in <see cref="Identities"/> order).</summary>
    private static readonly Dictionary<string, StatusCode[]> Expected = new()
    {
        ["CreateEvent"] = [Unauth, Denied, Denied, Denied, Denied, Ok],
        ["GetEvent"] = [Unauth, Ok, Ok, Ok, Ok, Ok],
        ["ListEvents"] = [Unauth, Ok, Ok, Ok, Ok, Ok],
        ["ListRecordings"] = [Unauth, Ok, Ok, Ok, Ok, Ok],
        ["UpdateEvent"] = [Unauth, Denied, Denied, Denied, Ok, Ok],
        ["CreateRegistration"] = [Unauth, Ok, Ok, Denied, Denied, Ok],
        ["GetRegistration"] = [Unauth, Denied, Denied, Denied, Ok, Ok],
        ["ListRegistrations"] = [Unauth, Denied, Denied, Denied, Ok, Ok],
        ["WithdrawRegistration"] = [Unauth, Denied, Denied, Denied, Denied, Ok],
        ["CreateQuestion"] = [Unauth, Denied, Ok, Denied, Denied, Denied],
        ["ListQuestions"] = [Unauth, Denied, Ok, Denied, Ok, Ok],
        ["UpdateQuestion"] = [Unauth, Denied, Denied, Denied, Ok, Ok],
        ["DeleteQuestion"] = [Unauth, Denied, Denied, Denied, Ok, Ok],
        ["VoteQuestion"] = [Unauth, Denied, Ok, Denied, Denied, Denied],
    };

    private static async Task<StatusCode> OutcomeAsync(Func<Task> call)
    {
        try
        {
            await call();
            return Ok;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    [Fact]
    public async Task EveryCall_UnderEveryIdentity_GetsExactlyTheTablesOutcome()
    {
        var s = await EventScenario.CreateAsync(server, capacity: 50);
        var owner = await s.RegisterAsync("auth-owner");
        await s.RegisterAsync("auth-other");
        // A stranger per call: the one who registers in the CreateRegistration row is a stranger no more.
        EventService.EventServiceClient Client(string identity, string call) => identity switch
        {
            "anonymous" => s.Anonymous,
            "stranger" => s.AsClient($"auth-stranger-{call}"),
            "registrant" => s.AsClient("auth-other"),
            "other-coach" => s.AsOtherCoach,
            "host" => s.AsHost,
            _ => s.AsAdmin,
        };
        async Task<Question> OwnersQuestionAsync() => await s.AsClient("auth-owner").CreateQuestionAsync(new CreateQuestionRequest
        {
            Parent = s.Event.Name, Question = new Question { Text = $"Question {Guid.NewGuid():N}" }, RequestId = Guid.NewGuid().ToString(),
        });

        var calls = new Dictionary<string, Func<EventService.EventServiceClient, string, Task>>
        {
            ["CreateEvent"] = async (c, _) => await c.CreateEventAsync(new CreateEventRequest { Event = Moved(EventScenario.Draft(s.Host)) }),
            ["GetEvent"] = async (c, _) => await c.GetEventAsync(new GetEventRequest { Name = s.Event.Name }),
            ["ListEvents"] = async (c, _) => await c.ListEventsAsync(new ListEventsRequest()),
            ["ListRecordings"] = async (c, _) => await c.ListRecordingsAsync(new ListRecordingsRequest()),
            ["UpdateEvent"] = async (c, _) => await c.UpdateEventAsync(new UpdateEventRequest
            {
                Event = new ScheduledEvent { Name = s.Event.Name, Description = $"Changed {Guid.NewGuid():N}" }, UpdateMask = new FieldMask { Paths = { "description" } },
            }),
            ["CreateRegistration"] = async (c, id) => await c.CreateRegistrationAsync(new CreateRegistrationRequest
            {
                Parent = s.Event.Name, RequestId = Guid.NewGuid().ToString(),
                Registration = id == "admin" ? new Registration { Client = "users/auth-admin-registered" } : null,
            }),
            ["GetRegistration"] = async (c, _) => await c.GetRegistrationAsync(new GetRegistrationRequest { Name = owner.Name }),
            ["ListRegistrations"] = async (c, _) => await c.ListRegistrationsAsync(new ListRegistrationsRequest { Parent = s.Event.Name }),
            ["WithdrawRegistration"] = async (c, id) =>
            {
                var fresh = await s.AsAdmin.CreateRegistrationAsync(new CreateRegistrationRequest
                {
                    Parent = s.Event.Name, RequestId = Guid.NewGuid().ToString(), Registration = new Registration { Client = $"users/auth-leaver-{id}" },
                });
                await c.WithdrawRegistrationAsync(new WithdrawRegistrationRequest { Name = fresh.Name });
            },
            ["CreateQuestion"] = async (c, _) => await c.CreateQuestionAsync(new CreateQuestionRequest
            {
                Parent = s.Event.Name, Question = new Question { Text = "Mine" }, RequestId = Guid.NewGuid().ToString(),
            }),
            ["ListQuestions"] = async (c, _) => await c.ListQuestionsAsync(new ListQuestionsRequest { Parent = s.Event.Name }),
            ["UpdateQuestion"] = async (c, _) =>
            {
                var q = await OwnersQuestionAsync();
                await c.UpdateQuestionAsync(new UpdateQuestionRequest
                {
                    Question = new Question { Name = q.Name, State = QuestionState.Answered }, UpdateMask = new FieldMask { Paths = { "state" } },
                });
            },
            ["DeleteQuestion"] = async (c, _) => await c.DeleteQuestionAsync(new DeleteQuestionRequest { Name = (await OwnersQuestionAsync()).Name }),
            ["VoteQuestion"] = async (c, _) => await c.VoteQuestionAsync(new VoteQuestionRequest { Name = (await OwnersQuestionAsync()).Name }),
        };

        var mismatches = new List<string>();
        foreach (var (call, run) in calls)
        {
            for (var i = 0; i < Identities.Length; i++)
            {
                var actual = await OutcomeAsync(() => run(Client(Identities[i], call), Identities[i]));
                if (actual != Expected[call][i])
                {
                    mismatches.Add($"{call} as {Identities[i]}: expected {Expected[call][i]}, got {actual}");
                }
            }
        }

        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), calls.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(EventService.Descriptor.Methods.Select(m => m.Name).Order(StringComparer.Ordinal), calls.Keys.Order(StringComparer.Ordinal));
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    // Each create gets its own time, so no two events of one host overlap.
    private static int _slot;

    private static ScheduledEvent Moved(ScheduledEvent e)
    {
        e.StartTime = EventScenario.At(20, 8 + Interlocked.Increment(ref _slot) % 10);
        return e;
    }
}
