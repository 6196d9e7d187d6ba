using Coaching.Contracts.V1;
using Coaching.Server.Tests.Outbox;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Coaching.Server.Tests.Events;

[Collection(UsesServer.Name)]
public class QuestionTests(ServerFixture server) : ServerTest(server)
{
    private static CreateQuestionRequest Ask(EventScenario s, string text, bool anonymous = false) =>
        new() { Parent = s.Event.Name, Question = new Question { Text = text, Anonymous = anonymous }, RequestId = Guid.NewGuid().ToString() };

    private static async Task<List<Question>> AllAsync(EventService.EventServiceClient client, EventScenario s)
    {
        var all = new List<Question>();
        for (var token = string.Empty; ;)
        {
            var page = await client.ListQuestionsAsync(new ListQuestionsRequest { Parent = s.Event.Name, PageSize = 2, PageToken = token });
            all.AddRange(page.Questions);
            token = page.NextPageToken;
            if (token.Length == 0)
            {
                return all;
            }
        }
    }

    [Fact]
    public async Task Registrants_SeeTheirOwnAndOthersNamedQuestions_HostsSeeAll_MostVotedFirst_StrangersNothing()
    {
        var s = await EventScenario.CreateAsync(server, capacity: 1);
        await s.RegisterAsync("q-ann");
        await s.RegisterAsync("q-bob"); // waiting still counts as registered
        await s.RegisterAsync("q-cat");
        var first = await s.AsClient("q-ann").CreateQuestionAsync(Ask(s, "How do I move from admin into a PMO?"));
        server.Clock.AdvanceSeconds(1);
        var secret = await s.AsClient("q-bob").CreateQuestionAsync(Ask(s, "Is a pay cut normal?", anonymous: true));
        server.Clock.AdvanceSeconds(1);
        var third = await s.AsClient("q-cat").CreateQuestionAsync(Ask(s, "Which certification first?"));
        await s.AsClient("q-ann").VoteQuestionAsync(new VoteQuestionRequest { Name = third.Name });
        await s.AsClient("q-bob").VoteQuestionAsync(new VoteQuestionRequest { Name = third.Name });
        var again = await s.AsClient("q-bob").VoteQuestionAsync(new VoteQuestionRequest { Name = third.Name });

        var host = await AllAsync(s.AsHost, s);
        var ann = await AllAsync(s.AsClient("q-ann"), s);
        var bob = await AllAsync(s.AsClient("q-bob"), s);
        var stranger = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("q-stranger").ListQuestionsAsync(new ListQuestionsRequest { Parent = s.Event.Name }));
        var otherCoach = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsOtherCoach.ListQuestionsAsync(new ListQuestionsRequest { Parent = s.Event.Name }));
        var own = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => s.AsClient("q-cat").VoteQuestionAsync(new VoteQuestionRequest { Name = third.Name }));
        var unseen = await RpcAssert.FailsAsync(StatusCode.NotFound, () => s.AsClient("q-ann").VoteQuestionAsync(new VoteQuestionRequest { Name = secret.Name }));
        var outsider = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("q-stranger").CreateQuestionAsync(Ask(s, "Let me in")));
        var tooLong = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => s.AsClient("q-ann").CreateQuestionAsync(Ask(s, new string('x', 2001))));

        Assert.Equal((2, true), (again.VoteCount, again.ViewerVoted));
        Assert.Equal([third.Name, first.Name, secret.Name], host.Select(q => q.Name)); // most votes, then oldest
        Assert.Equal("users/q-bob", host.Single(q => q.Name == secret.Name).Author); // hosts know who asked
        Assert.Equal([third.Name, first.Name], ann.Select(q => q.Name)); // others' anonymous ones are for the hosts
        Assert.True(ann[0].ViewerVoted);
        Assert.False(ann[1].ViewerVoted);
        Assert.Equal([third.Name, first.Name, secret.Name], bob.Select(q => q.Name));
        Assert.Equal("users/q-bob", bob[2].Author);
        Assert.Equal("REGISTRATION_REQUIRED", stranger.ErrorInfo().Reason);
        Assert.NotNull(otherCoach);
        Assert.Equal("OWN_QUESTION", own.ErrorInfo().Reason);
        Assert.NotNull(unseen);
        Assert.Equal("REGISTRATION_REQUIRED", outsider.ErrorInfo().Reason);
        Assert.Equal(["question.text"], tooLong.ViolatedFields().Distinct());
    }

    [Fact]
    public async Task Hosts_AnswerHideMergeAndDelete_AskersDeleteTheirOwn_AndAWithdrawnAskerIsNoLongerNamed()
    {
        var s = await EventScenario.CreateAsync(server, capacity: 5);
        var annRegistration = await s.RegisterAsync("m-ann");
        await s.RegisterAsync("m-bob");
        await s.RegisterAsync("m-cat");
        var original = await s.AsClient("m-ann").CreateQuestionAsync(Ask(s, "How long does the course take?"));
        var duplicate = await s.AsClient("m-bob").CreateQuestionAsync(Ask(s, "How many weeks is it?"));
        var rude = await s.AsClient("m-cat").CreateQuestionAsync(Ask(s, "Off-topic rant"));
        var mine = await s.AsClient("m-cat").CreateQuestionAsync(Ask(s, "Never mind"));
        await s.AsClient("m-cat").VoteQuestionAsync(new VoteQuestionRequest { Name = duplicate.Name });
        await s.AsClient("m-ann").VoteQuestionAsync(new VoteQuestionRequest { Name = duplicate.Name }); // the target's asker: not moved

        var merged = await s.AsHost.UpdateQuestionAsync(new UpdateQuestionRequest
        {
            Question = new Question { Name = duplicate.Name, Etag = duplicate.Etag, MergedInto = original.Name }, UpdateMask = new FieldMask { Paths = { "merged_into" } },
        });
        var hidden = await s.AsHost.UpdateQuestionAsync(new UpdateQuestionRequest
        {
            Question = new Question { Name = rude.Name, State = QuestionState.Hidden }, UpdateMask = new FieldMask { Paths = { "state" } },
        });
        var answered = await s.AsAdmin.UpdateQuestionAsync(new UpdateQuestionRequest
        {
            Question = new Question { Name = original.Name, State = QuestionState.Answered }, UpdateMask = new FieldMask { Paths = { "state" } },
        });
        var notHost = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("m-bob").UpdateQuestionAsync(new UpdateQuestionRequest
        {
            Question = new Question { Name = rude.Name, State = QuestionState.Answered }, UpdateMask = new FieldMask { Paths = { "state" } },
        }));
        var stale = await RpcAssert.FailsAsync(StatusCode.Aborted, () => s.AsHost.UpdateQuestionAsync(new UpdateQuestionRequest
        {
            Question = new Question { Name = duplicate.Name, Etag = duplicate.Etag, State = QuestionState.Open }, UpdateMask = new FieldMask { Paths = { "state" } },
        }));
        var notTheirs = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("m-ann").DeleteQuestionAsync(new DeleteQuestionRequest { Name = mine.Name }));
        await s.AsClient("m-cat").DeleteQuestionAsync(new DeleteQuestionRequest { Name = mine.Name });
        await s.AsClient("m-ann").WithdrawRegistrationAsync(new WithdrawRegistrationRequest { Name = annRegistration.Name });

        var host = await AllAsync(s.AsHost, s);
        var bob = await AllAsync(s.AsClient("m-bob"), s);
        var gone = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => s.AsClient("m-ann").ListQuestionsAsync(new ListQuestionsRequest { Parent = s.Event.Name }));

        Assert.Equal(QuestionState.Merged, merged.State);
        Assert.Equal(original.Name, merged.MergedInto);
        Assert.Equal(QuestionState.Hidden, hidden.State);
        Assert.Equal(QuestionState.Answered, answered.State);
        Assert.Equal("HOST_OR_ADMIN_REQUIRED", notHost.ErrorInfo().Reason);
        Assert.NotNull(stale);
        Assert.Equal("NOT_RESOURCE_OWNER", notTheirs.ErrorInfo().Reason);
        var byName = host.ToDictionary(q => q.Name);
        Assert.Equal(1, byName[original.Name].VoteCount); // m-cat's vote moved; m-ann's own did not
        Assert.Equal(string.Empty, byName[original.Name].Author); // m-ann withdrew: still there, no longer theirs
        Assert.Equal("users/m-bob", byName[duplicate.Name].Author);
        Assert.False(byName.ContainsKey(mine.Name));
        Assert.Equal(new[] { original.Name, duplicate.Name }.Order(StringComparer.Ordinal), bob.Select(q => q.Name).Order(StringComparer.Ordinal)); // their own merged one too
        Assert.DoesNotContain(bob, q => q.Name == rude.Name); // hidden ones are for the hosts
        Assert.NotNull(gone);
    }

    [Fact]
    public async Task QuestionChanges_ReachHostsAndRegistrants_OnTheEventStream_WithoutAnonymousAuthors_AndNotStrangers()
    {
        var s = await EventScenario.CreateAsync(server, capacity: 5);
        await s.RegisterAsync("w-ann");
        await s.RegisterAsync("w-bob");
        using var stop = new CancellationTokenSource();
        var request = new WatchEventsRequest { Latest = true, EventTypes = { "question.created", "question.changed", "question.deleted" } };
        using var host = await WatchEventsTests.WatchAsync(new DeliveryService.DeliveryServiceClient(server.Channel(s.HostToken)), request, stop.Token);
        using var bob = await WatchEventsTests.WatchAsync(new DeliveryService.DeliveryServiceClient(server.Channel(server.Token("w-bob", "client"))), request, stop.Token);
        using var stranger = await WatchEventsTests.WatchAsync(new DeliveryService.DeliveryServiceClient(server.Channel(server.Token("w-zed", "client"))), request, stop.Token);

        var asked = await s.AsClient("w-ann").CreateQuestionAsync(Ask(s, "Anonymous worry", anonymous: true));
        var named = await s.AsClient("w-ann").CreateQuestionAsync(Ask(s, "Named question"));
        await s.AsClient("w-bob").VoteQuestionAsync(new VoteQuestionRequest { Name = named.Name });
        await s.AsHost.DeleteQuestionAsync(new DeleteQuestionRequest { Name = asked.Name });

        var forHost = await WatchEventsTests.ReadAsync(host, 4);
        var forBob = await WatchEventsTests.ReadAsync(bob, 4);
        var forStranger = await WatchEventsTests.ReadAsync(stranger, 0);

        Assert.Equal(["question.created", "question.created", "question.changed", "question.deleted"], forHost.Select(e => e.Type));
        Assert.Equal(forHost.Select(e => e.Id), forBob.Select(e => e.Id));
        Assert.Equal((string.Empty, string.Empty), (forBob[0].Question.Author, forBob[0].Question.Text)); // anonymous: neither who nor what
        Assert.Equal(("users/w-ann", "Named question"), (forBob[1].Question.Author, forBob[1].Question.Text));
        Assert.Equal(1, forBob[2].Question.VoteCount);
        Assert.Empty(forStranger);
        await stop.CancelAsync();
    }
}
